import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RetrainRequest, type GateReport, type RetrainJob } from '@contract';
import { datasetSnapshotsQuery } from '../../api/dataset-queries';
import { retrainJobsQuery, useRetrain } from '../../api/model-queries';
import { queryKeys } from '../../api/query-keys';
import { useLanguage } from '../../i18n';
import { formatPercent } from '../../identification';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { ProgressBar } from '../ProgressBar';

/** The gate's verdict on one finished job: both versions' recall per class on the same test split. */
function GateTable({ gate }: { gate: GateReport }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const percent = (value: number | null) => (value === null ? t('retrain.missing') : formatPercent(Math.abs(value), lng));
  return (
    <div className="table-wrap">
      <p className="small">
        {t('retrain.headline', {
          active: formatPercent(gate.active.top1, lng),
          candidate: formatPercent(gate.candidate.top1, lng),
          images: gate.candidate.examples,
          margin: formatPercent(gate.margin, lng),
        })}
      </p>
      <table className="data-table" data-testid="retrain-gate">
        <thead>
          <tr>
            <th scope="col">{t('retrain.class')}</th>
            <th scope="col">{t('retrain.testImages')}</th>
            <th scope="col">{t('retrain.activeRecall')}</th>
            <th scope="col">{t('retrain.candidateRecall')}</th>
            <th scope="col">{t('retrain.change')}</th>
          </tr>
        </thead>
        <tbody>
          {gate.perClass.map((row) => (
            <tr key={row.label} data-passed={row.passed}>
              <td>{row.label}</td>
              <td>{row.support}</td>
              <td>{percent(row.active)}</td>
              <td>{percent(row.candidate)}</td>
              <td>
                {row.delta === null ? t('common.none') : t(row.delta < 0 ? 'retrain.lost' : 'retrain.gained', { value: percent(row.delta) })}{' '}
                {!row.passed && <span className="badge badge-rejected">{t('retrain.beyondMargin')}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {gate.failures.length > 0 && (
        <ul className="small" data-testid="retrain-failures">
          {gate.failures.map((failure) => (
            <li key={failure}>{failure}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function JobState({ job }: { job: RetrainJob }) {
  const { t } = useTranslation();
  if (job.status === 'queued' || job.status === 'running') {
    const phase = job.phase ? t(`retrain.phases.${job.phase}`) : t('retrain.statuses.queued');
    return (
      <>
        <div>{job.epoch && job.epochs ? t('retrain.epoch', { phase, epoch: job.epoch, epochs: job.epochs }) : phase}</div>
        <ProgressBar value={job.progress * 100} label={t('retrain.progress')} testId="retrain-progress" />
      </>
    );
  }
  return (
    <>
      <span className={`badge ${job.status === 'registered' ? 'badge-confirmed' : 'badge-rejected'}`}>{t(`retrain.statuses.${job.status}`)}</span>
      {job.outcome && (
        <div className="muted small">{t('retrain.against', { candidate: job.outcome.candidate, parent: job.outcome.parent })}</div>
      )}
      {job.error && <div className="muted small">{job.error}</div>}
      {job.outcome && <GateTable gate={job.outcome.gate} />}
    </>
  );
}

/**
 * Retraining from the models page (administrators): a model and a dataset snapshot start a job that trains, measures the
 * candidate against the active version on the same test split and registers it only if it passes the gate; the jobs
 * are polled while one runs, and a registered version then appears in the table above, waiting to be activated.
 */
export function Retraining({ modelNames }: { modelNames: readonly string[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const jobs = useQuery(retrainJobsQuery);
  const snapshots = useQuery(datasetSnapshotsQuery);
  const retrain = useRetrain();
  const [model, setModel] = useState('');
  const [snapshot, setSnapshot] = useState('');
  const [marginPercent, setMarginPercent] = useState('2');
  const [maxEpochs, setMaxEpochs] = useState('');
  const [size, setSize] = useState('');
  const [backbone, setBackbone] = useState('');
  const items = jobs.data?.items ?? [];
  const ended = items.filter((job) => job.status !== 'queued' && job.status !== 'running').length;

  // A job that ended may have registered a version: the model list asks again.
  useEffect(() => {
    if (ended > 0) void queryClient.invalidateQueries({ queryKey: queryKeys.models });
  }, [ended, queryClient]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // Left empty, the server trains as the active version was trained (size, backbone) for the trainer's epochs.
    retrain.mutate({
      name: model,
      body: {
        snapshot,
        margin: Number(marginPercent) / 100,
        ...(maxEpochs ? { maxEpochs: Number(maxEpochs) } : {}),
        ...(size ? { size: Number(size) } : {}),
        ...(backbone.trim() ? { backbone: backbone.trim() } : {}),
      },
    });
  };

  return (
    <section className="retraining" data-testid="retraining">
      <h2>{t('retrain.title')}</h2>
      <p className="muted small">{t('retrain.explain')}</p>
      <form className="card filters" onSubmit={onSubmit} aria-label={t('retrain.title')} data-testid="retrain-form">
        <Field label={t('models.model')} required>
          <select value={model} required onChange={(event) => setModel(event.target.value)} data-testid="retrain-model">
            <option value="">{t('common.pleaseSelect')}</option>
            {modelNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('retrain.snapshot')} required>
          <select value={snapshot} required onChange={(event) => setSnapshot(event.target.value)} data-testid="retrain-snapshot">
            <option value="">{t('common.pleaseSelect')}</option>
            {(snapshots.data ?? []).map((item) => (
              <option key={item.id} value={item.name}>
                {t('retrain.snapshotOption', { name: item.name, images: item.images, specimens: item.specimens })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('retrain.margin')}>
          <NumberInput
            bounds={MARGIN_PERCENT}
            step={0.5}
            value={marginPercent}
            onChange={setMarginPercent}
            testId="retrain-margin"
          />
        </Field>
        <Field label={t('retrain.maxEpochs')}>
          <NumberInput
            bounds={limits.maxEpochs}
            value={maxEpochs}
            placeholder={t('retrain.trainerDefault')}
            onChange={setMaxEpochs}
            testId="retrain-max-epochs"
          />
        </Field>
        <Field label={t('retrain.size')}>
          <NumberInput bounds={limits.size} value={size} placeholder={t('retrain.activeDefault')} onChange={setSize} testId="retrain-size" />
        </Field>
        <Field label={t('retrain.backbone')}>
          <input
            type="text"
            maxLength={limits.backbone.maxLength}
            value={backbone}
            placeholder={t('retrain.activeDefault')}
            onChange={(event) => setBackbone(event.target.value)}
            data-testid="retrain-backbone"
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={retrain.isPending || !model || !snapshot} data-testid="retrain-start">
            {t('retrain.start')}
          </button>
        </div>
        <ErrorMessage error={retrain.error} />
      </form>
      <ErrorMessage error={jobs.error} onRetry={() => void jobs.refetch()} />
      {items.length === 0 ? (
        !jobs.isPending && <p className="empty">{t('retrain.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="retrain-jobs">
            <thead>
              <tr>
                <th scope="col">{t('models.model')}</th>
                <th scope="col">{t('retrain.snapshot')}</th>
                <th scope="col">{t('retrain.requested')}</th>
                <th scope="col">{t('retrain.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((job) => (
                <tr key={job.id} data-testid="retrain-job" data-status={job.status}>
                  <td>
                    <code>{job.model}</code>
                  </td>
                  <td>{job.snapshot}</td>
                  <td>{new Date(job.createdAt).toLocaleString()}</td>
                  <td>
                    <JobState job={job} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface Bounds {
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}
/** A contract schema's JSON Schema bounds: TypeBox keeps them on the schema object, its static type does not name them. */
const boundsOf = (schema: object): Bounds => schema;
/** The request's own bounds, so the form offers exactly what the server accepts. */
const limits = {
  margin: boundsOf(RetrainRequest.properties.margin),
  maxEpochs: boundsOf(RetrainRequest.properties.maxEpochs),
  size: boundsOf(RetrainRequest.properties.size),
  backbone: boundsOf(RetrainRequest.properties.backbone),
};
/** The margin is asked in percent; the request carries a fraction. */
const MARGIN_PERCENT = { minimum: (limits.margin.minimum ?? 0) * 100, maximum: (limits.margin.maximum ?? 1) * 100 };

interface NumberInputProps {
  bounds: Bounds;
  step?: number;
  value: string;
  placeholder?: string;
  onChange: (value: string) => void;
  testId: string;
}

function NumberInput({ bounds, step = 1, value, placeholder, onChange, testId }: NumberInputProps) {
  return (
    <input
      type="number"
      min={bounds.minimum}
      max={bounds.maximum}
      step={step}
      value={value}
      placeholder={placeholder}
      onChange={(event) => onChange(event.target.value)}
      data-testid={testId}
    />
  );
}
