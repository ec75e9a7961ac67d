import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { PracticeProgress } from '@contract';
import { practiceProgressQuery } from '../api/practice-queries';
import { Chart } from '../components/Chart';
import { ErrorMessage } from '../components/ErrorMessage';
import { TaxonById } from '../components/TaxonLabel';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';
import { confusionChartOption, dueCards, percent } from '../practice';

function Totals({ totals }: { totals: PracticeProgress['totals'] }) {
  const { t } = useTranslation();
  const tiles = [
    { label: t('practice.totals.sets'), value: String(totals.finishedSessions), testId: 'practice-total-sets' },
    { label: t('practice.totals.answered'), value: String(totals.answered), testId: 'practice-total-answered' },
    { label: t('practice.totals.correct'), value: String(totals.correct), testId: 'practice-total-correct' },
    { label: t('practice.totals.accuracy'), value: percent(totals.accuracy), testId: 'practice-total-accuracy' },
  ];
  return (
    <div className="dashboard-tiles">
      {tiles.map((tile) => (
        <div key={tile.testId} className="dashboard-tile">
          <span className="dashboard-tile-label">{tile.label}</span>
          <span className="dashboard-tile-value" data-testid={tile.testId}>
            {tile.value}
          </span>
        </div>
      ))}
    </div>
  );
}

function TaxonAccuracy({ taxa }: { taxa: PracticeProgress['taxa'] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <section className="card" data-testid="practice-taxa">
      <h2 className="card-title">{t('practice.perTaxon')}</h2>
      {taxa.length === 0 ? (
        <p className="muted">{t('practice.nothingYet')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('practice.taxon')}</th>
              <th className="num">{t('practice.totals.answered')}</th>
              <th className="num">{t('practice.totals.correct')}</th>
              <th className="num">{t('practice.totals.accuracy')}</th>
              <th className="num">{t('practice.box')}</th>
              <th>{t('practice.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {taxa.map((row) => (
              <tr key={row.taxon} data-testid="practice-taxon-row" data-taxon={row.taxon}>
                <td>
                  <TaxonById id={row.taxon} />
                </td>
                <td className="num">{row.answered}</td>
                <td className="num">{row.correct}</td>
                <td className="num" data-testid="practice-taxon-accuracy">
                  {percent(row.accuracy)}
                </td>
                <td className="num">{row.box}</td>
                <td>
                  <time dateTime={row.dueAt}>{formatDateTime(row.dueAt, lng)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DueNext({ taxa }: { taxa: PracticeProgress['taxa'] }) {
  const { t } = useTranslation();
  const due = dueCards(taxa, new Date());
  return (
    <section className="card" data-testid="practice-due">
      <h2 className="card-title">{t('practice.dueNext')}</h2>
      {due.length === 0 ? (
        <p className="muted">{t('practice.nothingDue')}</p>
      ) : (
        <ul>
          {due.map((card) => (
            <li key={card.taxon} data-testid="practice-due-taxon" data-taxon={card.taxon}>
              <TaxonById id={card.taxon} />
            </li>
          ))}
        </ul>
      )}
      <Link to="/practice" className="btn btn-primary">
        {t('practice.newSet')}
      </Link>
    </section>
  );
}

function Confusions({ confusions }: { confusions: PracticeProgress['confusions'] }) {
  const { t } = useTranslation();
  if (confusions.length === 0) return null;
  const option = confusionChartOption(confusions, (confusion) =>
    t('practice.takenFor', { taxon: confusion.taxon, takenFor: confusion.takenFor }),
  );
  return (
    <section className="card" data-testid="practice-confusions">
      <h2 className="card-title">{t('practice.confusions')}</h2>
      <Chart option={option} label={t('practice.confusions')} testId="practice-confusion-chart" />
    </section>
  );
}

/** `#/practice/progress`: the trainee's scores, accuracy per taxon, what is due, and their confusions over time. */
export function PracticeProgressPage() {
  const { t } = useTranslation();
  const { data, error, refetch } = useQuery(practiceProgressQuery);
  return (
    <section className="page" data-testid="practice-progress-page">
      <h1 className="page-title">{t('practice.progressTitle')}</h1>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {data && (
        <>
          <Totals totals={data.totals} />
          <DueNext taxa={data.taxa} />
          <TaxonAccuracy taxa={data.taxa} />
          <Confusions confusions={data.confusions} />
        </>
      )}
    </section>
  );
}
