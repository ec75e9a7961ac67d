import { useCallback, useId, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UploadLimits } from '@contract';
import { formatBytes } from '../format';
import { useLanguage } from '../i18n';
import { acceptAttribute, formatNames } from '../submit/file-checks';
import { TakePhotoButton } from './TakePhotoButton';

export interface SelectedImage {
  key: string;
  file: File;
}

let nextKey = 0;

/** Wraps picked files with a stable key, skipping exact duplicates already selected. */
export function toSelectedImages(files: readonly File[], existing: readonly SelectedImage[]): SelectedImage[] {
  const seen = new Set(existing.map((s) => fileIdentity(s.file)));
  const out: SelectedImage[] = [];
  for (const file of files) {
    const id = fileIdentity(file);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ key: `img-${++nextKey}`, file });
  }
  return out;
}

function fileIdentity(f: File): string {
  return `${f.name}\u0000${f.size}\u0000${f.lastModified}`;
}

/** One preview; owns its object URL and revokes it when removed/unmounted. */
function Preview({
  image,
  onRemove,
  disabled,
  hasProblem,
  note,
}: {
  image: SelectedImage;
  onRemove: () => void;
  disabled: boolean;
  hasProblem: boolean;
  note: ReactNode;
}) {
  const { t } = useTranslation();
  // The image element owns its object URL: made when it appears, revoked when it goes.
  const showFile = useCallback(
    (img: HTMLImageElement | null) => {
      if (!img) return;
      const url = URL.createObjectURL(image.file);
      img.src = url;
      return () => URL.revokeObjectURL(url);
    },
    [image.file],
  );

  return (
    <li className={`preview${hasProblem ? ' has-problem' : ''}`} data-testid="preview" data-problem={hasProblem} title={image.file.name}>
      <div className="preview-img">
        <img ref={showFile} alt={image.file.name} />
      </div>
      <div className="preview-meta">
        <span className="preview-name">{image.file.name}</span>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={onRemove}
          disabled={disabled}
          aria-label={t('submit.removePhoto', { name: image.file.name })}
          data-testid="preview-remove"
        >
          {t('submit.remove')}
        </button>
      </div>
      {note}
    </li>
  );
}

interface Props {
  images: readonly SelectedImage[];
  onAdd: (files: File[]) => void;
  onRemove: (key: string) => void;
  disabled?: boolean;
  /** The server's limits: the picker offers the accepted formats, and the limits are shown (any image while unknown). */
  limits?: UploadLimits | undefined;
  /** Photos with a problem of their own (see PhotoProblems), marked so they can be found and removed. */
  problemKeys?: ReadonlySet<string>;
  /** What to show under a photo, by its key (the quality gate's reasons). */
  notes?: ReadonlyMap<string, ReactNode>;
}

const NO_PROBLEMS: ReadonlySet<string> = new Set();
const NO_NOTES: ReadonlyMap<string, ReactNode> = new Map();

export function ImageDropZone({ images, onAdd, onRemove, disabled = false, limits, problemKeys = NO_PROBLEMS, notes = NO_NOTES }: Props) {
  const { t } = useTranslation();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const dragDepth = useRef(0);
  const [dragging, setDragging] = useState(false);
  const lng = useLanguage();

  // Every file is taken, whatever it is: the photo checks name what cannot be sent, and why.
  function accept(list: FileList | null): void {
    if (!list || disabled || list.length === 0) return;
    onAdd(Array.from(list));
  }

  function onDragEnter(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    dragDepth.current += 1;
    if (!disabled) setDragging(true);
  }
  function onDragLeave(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  }
  function onDragOver(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
  }
  function onDrop(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    accept(e.dataTransfer.files);
  }

  return (
    <div className="dropzone-wrap">
      <div
        className={`dropzone${dragging ? ' is-dragging' : ''}${disabled ? ' is-disabled' : ''}`}
        data-testid="dropzone"
        onDragEnter={onDragEnter}
        onDragLeave={onDragLeave}
        onDragOver={onDragOver}
        onDrop={onDrop}
      >
        <svg className="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M19 7v2.99s-1.99.01-2 0V7h-3s.01-1.99 0-2h3V2h2v3h3v2h-3zm-3 4V8h-3V5H5c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2v-8h-3zM5 19l3-4 2 3 3-4 4 5H5z" />
        </svg>
        <p className="dropzone-title">{t('submit.dropHere')}</p>
        <p className="dropzone-or">{t('submit.or')}</p>
        <TakePhotoButton disabled={disabled} onPick={accept} />
        <label htmlFor={inputId} className={`btn btn-secondary${disabled ? ' is-disabled' : ''}`}>
          {t('submit.chooseFiles')}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          className="visually-hidden"
          type="file"
          accept={limits ? acceptAttribute(limits.formats) : 'image/*'}
          multiple
          disabled={disabled}
          data-testid="file-input"
          onChange={(e) => {
            accept(e.currentTarget.files);
            e.currentTarget.value = ''; // allow picking the same file again after removing it
          }}
        />
        <p className="hint">{t('submit.photoHint')}</p>
        {limits && (
          <p className="hint" data-testid="upload-limits">
            {t('upload.limits', {
              formats: formatNames(limits.formats).join(', '),
              fileLimit: formatBytes(limits.maxFileBytes, lng),
              files: limits.maxFiles,
              totalLimit: formatBytes(limits.maxTotalBytes, lng),
            })}
          </p>
        )}
      </div>
      {images.length > 0 && (
        <>
          <p className="hint" aria-live="polite">
            {t('submit.photoCount', { count: images.length })}
          </p>
          <ul className="previews">
            {images.map((img) => (
              <Preview
                key={img.key}
                image={img}
                disabled={disabled}
                hasProblem={problemKeys.has(img.key)}
                note={notes.get(img.key)}
                onRemove={() => onRemove(img.key)}
              />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
