import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbortError } from '../api/client';
import { useAddPhotos, useUploadLimits } from '../api/queries';
import { keysWithProblems } from '../submit/file-checks';
import { usePhotoProblems } from '../submit/photo-checks';
import { ErrorMessage } from './ErrorMessage';
import { ImageDropZone, toSelectedImages, type SelectedImage } from './ImageDropZone';
import { PhotoProblems } from './PhotoProblems';
import { useQualityMarks } from './QualityNote';
import { UploadProgress } from './UploadProgress';

/** Adds photographs to a specimen: pick or drop them, then upload; the specimen's page shows them once stored. */
export function AddPhotos({ specimenId }: { specimenId: string }) {
  const { t } = useTranslation();
  const [images, setImages] = useState<SelectedImage[]>([]);
  const [progress, setProgress] = useState(0);
  const [added, setAdded] = useState(0);
  const { mutate, isPending: uploading, error, reset } = useAddPhotos();
  const limits = useUploadLimits();
  const { problems, checking, unchecked } = usePhotoProblems(images, limits);
  const problemKeys = useMemo(() => keysWithProblems(problems), [problems]);
  // The quality gate's reasons show under each photo before anything is sent; in refuse mode a refused photo blocks it.
  const { refusedKeys, markedKeys, notes } = useQualityMarks(images, problemKeys, unchecked);
  const abortRef = useRef<AbortController | null>(null);
  const cancelled = isAbortError(error);

  function send(): void {
    setProgress(0);
    const controller = new AbortController();
    abortRef.current = controller;
    mutate(
      { specimenId, files: images.map((image) => image.file), onProgress: setProgress, signal: controller.signal },
      {
        onSuccess: ({ images: stored }) => {
          setImages([]);
          setAdded(stored.length);
        },
      },
    );
  }

  return (
    <div className="add-photos" data-testid="add-photos">
      <ImageDropZone
        images={images}
        disabled={uploading}
        limits={limits}
        problemKeys={markedKeys}
        notes={notes}
        onAdd={(files) => {
          reset();
          setAdded(0);
          setImages((current) => [...current, ...toSelectedImages(files, current)]);
        }}
        onRemove={(key) => setImages((current) => current.filter((image) => image.key !== key))}
      />
      <PhotoProblems problems={problems} />
      {uploading && <UploadProgress value={progress} testId="add-photos-progress" onCancel={() => abortRef.current?.abort()} />}
      {cancelled ? (
        <p className="alert alert-info" role="status" data-testid="add-photos-cancelled">
          {t('upload.cancelled')}
        </p>
      ) : (
        <ErrorMessage error={error} testId="add-photos-error" />
      )}
      {added > 0 && images.length === 0 && (
        <p className="alert alert-success" role="status" data-testid="add-photos-done">
          {t('addPhotos.added', { count: added })}
        </p>
      )}
      {images.length > 0 && (
        <button
          type="button"
          className="btn btn-primary"
          // Nothing is sent while a photo has a problem or would be refused for its quality, or before every photo has been checked.
          disabled={uploading || checking || !limits || problems.length > 0 || refusedKeys.size > 0}
          onClick={send}
          data-testid="add-photos-submit"
        >
          {uploading ? t('submit.uploading') : t('addPhotos.upload', { count: images.length })}
        </button>
      )}
    </div>
  );
}

/** The expert's request for more photographs, in front of the submitter with the means to answer it. */
export function NeedsPhotosBanner({
  specimenId,
  note,
  by,
  canAdd,
}: {
  specimenId: string;
  note: string | null;
  by: string | null;
  canAdd: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section className="card needs-photos" data-testid="needs-photos-banner" role="region" aria-label={t('addPhotos.requestTitle')}>
      <h2 className="card-title">{t('addPhotos.requestTitle')}</h2>
      <p>{by ? t('addPhotos.requestBy', { name: by }) : t('addPhotos.request')}</p>
      {note && (
        <blockquote className="needs-photos-note pre-wrap" data-testid="needs-photos-note">
          {note}
        </blockquote>
      )}
      {canAdd && <AddPhotos specimenId={specimenId} />}
    </section>
  );
}
