import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImageQualityFinding } from '@contract';
import type { ChosenPhoto } from '../submit/photo-checks';
import { isRefused, usePhotoQuality } from '../submit/photo-quality';

/**
 * What the image quality gate found wrong with a photo, each problem in words with the measured value and the limit.
 * `as`: a chosen photo a submission would take with a warning (`warned`) or refuse (`refused`), or a stored one
 * (`stored`: the warnings it was accepted with). Nothing for a good photo.
 */
export function QualityNote({ problems, as }: { problems: readonly ImageQualityFinding[]; as: 'warned' | 'refused' | 'stored' }) {
  const { t } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <div className={`quality-note is-${as}`} role="status" data-testid="photo-quality" data-state={as}>
      <p className="quality-note-title">{t(`photoQuality.${as}`)}</p>
      <ul>
        {problems.map((finding) => (
          <li key={finding.problem} data-testid="photo-quality-problem" data-problem={finding.problem}>
            {t(`photoQuality.${finding.problem}`, { value: finding.value, limit: finding.limit })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The quality gate's verdicts on the chosen photos, as a drop zone shows them: the photos a submission would be refused
 * for (`refusedKeys`), every photo to mark (`markedKeys`: those plus `problemKeys`) and the note under each photo the
 * gate found poor. Only photos the browser's own checks passed are sent to be checked: not those with `problemKeys`,
 * nor those still `unchecked` (the server would refuse those outright, not judge them).
 */
export function useQualityMarks(
  photos: readonly ChosenPhoto[],
  problemKeys: ReadonlySet<string>,
  unchecked: ReadonlySet<string>,
): { refusedKeys: ReadonlySet<string>; markedKeys: ReadonlySet<string>; notes: ReadonlyMap<string, ReactNode> } {
  const notToCheck = useMemo(() => new Set([...problemKeys, ...unchecked]), [problemKeys, unchecked]);
  const quality = usePhotoQuality(photos, notToCheck);
  const refusedKeys = useMemo(() => new Set([...quality].flatMap(([key, verdict]) => (isRefused(verdict) ? [key] : []))), [quality]);
  const markedKeys = useMemo(() => new Set([...problemKeys, ...refusedKeys]), [problemKeys, refusedKeys]);
  const notes = useMemo(
    () =>
      new Map(
        [...quality].map(([key, verdict]) => [
          key,
          <QualityNote problems={verdict.problems} as={isRefused(verdict) ? 'refused' : 'warned'} />,
        ]),
      ),
    [quality],
  );
  return { refusedKeys, markedKeys, notes };
}
