import { useTranslation } from 'react-i18next';
import { formatBytes } from '../format';
import { localeFor, useLanguage } from '../i18n';
import type { FileProblem } from '../submit/file-checks';

/** One problem in words, naming the file and the limit it breaks. */
function useProblemText(): (problem: FileProblem) => string {
  const { t } = useTranslation();
  const lng = useLanguage();
  const number = new Intl.NumberFormat(localeFor(lng));
  const bytes = (count: number) => formatBytes(count, lng);
  return (problem) => {
    switch (problem.kind) {
      case 'empty':
        return t('photoProblems.empty', { name: problem.name });
      case 'type':
        return t('photoProblems.type', { name: problem.name, accepted: problem.accepted.join(', ') });
      case 'size':
        return t('photoProblems.size', { name: problem.name, size: bytes(problem.bytes), limit: bytes(problem.maxBytes) });
      case 'pixels':
        return t('photoProblems.pixels', {
          name: problem.name,
          width: problem.width,
          height: problem.height,
          pixels: number.format(problem.width * problem.height),
          limit: number.format(problem.maxPixels),
        });
      case 'side':
        return t('photoProblems.side', { name: problem.name, width: problem.width, height: problem.height, limit: problem.minSide });
      case 'count':
        return t('photoProblems.count', { count: problem.count, limit: problem.maxFiles });
      case 'total':
        return t('photoProblems.total', { size: bytes(problem.bytes), limit: bytes(problem.maxBytes) });
    }
  };
}

/** Every problem of the chosen photos at once, each naming the file and the limit; nothing when there is none. */
export function PhotoProblems({ problems }: { problems: readonly FileProblem[] }) {
  const { t } = useTranslation();
  const text = useProblemText();
  if (problems.length === 0) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="photo-problems">
      <p className="alert-message">{t('photoProblems.title', { count: problems.length })}</p>
      <ul className="error-details">
        {problems.map((problem, index) => (
          <li key={index} data-testid="photo-problem" data-kind={problem.kind} data-file={'name' in problem ? problem.name : undefined}>
            {text(problem)}
          </li>
        ))}
      </ul>
    </div>
  );
}
