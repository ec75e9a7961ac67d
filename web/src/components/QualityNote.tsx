import { useTranslation } from 'react-i18next';
import type { ImageQualityFinding } from '@contract';

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
