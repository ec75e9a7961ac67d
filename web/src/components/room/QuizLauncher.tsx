import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { QUIZ_OPTIONS, QUIZ_SECONDS, type LaunchQuizRequest, type Specimen } from '@contract';
import { specimenListQuery } from '../../api/queries';
import { formatDateTime, portLabel } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { TaxonName } from '../TaxonName';

const DEFAULT_SECONDS = 30;

/** The presenter's question form: a confirmed specimen in their scope, one of its photos, the time limit, how many options. */
export function QuizLauncher({ onLaunch }: { onLaunch: (request: LaunchQuizRequest) => Promise<unknown> }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const confirmed = useQuery(specimenListQuery({ status: 'confirmed', sort: '-createdAt', limit: 24, offset: 0 }));
  const [chosen, setChosen] = useState<Specimen | null>(null);
  const [imageId, setImageId] = useState<string | null>(null);
  const [seconds, setSeconds] = useState(DEFAULT_SECONDS);
  const [options, setOptions] = useState<number>(QUIZ_OPTIONS.default);
  const [launching, setLaunching] = useState(false);

  function launch(event: FormEvent): void {
    event.preventDefault();
    if (!chosen) return;
    setLaunching(true);
    onLaunch({ specimenId: chosen.id, imageId: imageId ?? chosen.images[0]?.id, seconds, options }).finally(() => setLaunching(false));
  }

  const specimens = confirmed.data?.items ?? [];
  return (
    <form className="quiz-launcher" onSubmit={launch} data-testid="quiz-launcher">
      <h3>{t('room.quiz.launcher.title')}</h3>
      <p className="muted small">{t('room.quiz.launcher.hint')}</p>
      <ErrorMessage error={confirmed.error} />
      <p className="field-label">{t('room.quiz.launcher.specimens')}</p>
      {confirmed.isSuccess && specimens.length === 0 && <p className="muted">{t('room.quiz.launcher.noSpecimens')}</p>}
      <ul className="gallery">
        {specimens.map((specimen) => (
          <li key={specimen.id} className="gallery-item">
            <button
              type="button"
              className={`still-option${chosen?.id === specimen.id ? ' is-chosen' : ''}`}
              aria-pressed={chosen?.id === specimen.id}
              onClick={() => {
                setChosen(specimen);
                setImageId(null);
              }}
              data-testid="quiz-specimen"
              data-specimen-id={specimen.id}
            >
              {specimen.images[0] && <img src={specimen.images[0].thumbnailUrl} alt="" loading="lazy" />}
              <span className="small">
                {specimen.review.decisions[0]?.taxon && <TaxonName taxon={specimen.review.decisions[0].taxon} />}{' '}
                {t('room.quiz.launcher.specimen', { port: portLabel(specimen.port, lng), date: formatDateTime(specimen.collectedAt, lng) })}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {chosen && chosen.images.length > 1 && (
        <>
          <p className="field-label">{t('room.quiz.launcher.photo')}</p>
          <ul className="gallery">
            {chosen.images.map((image) => (
              <li key={image.id} className="gallery-item">
                <button
                  type="button"
                  className={`still-option${(imageId ?? chosen.images[0]?.id) === image.id ? ' is-chosen' : ''}`}
                  aria-pressed={(imageId ?? chosen.images[0]?.id) === image.id}
                  onClick={() => setImageId(image.id)}
                  data-testid="quiz-photo"
                >
                  <img src={image.thumbnailUrl} alt={image.originalFilename ?? ''} />
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="form-grid">
        <Field label={t('room.quiz.launcher.seconds')}>
          <input
            type="number"
            min={QUIZ_SECONDS.minimum}
            max={QUIZ_SECONDS.maximum}
            value={seconds}
            onChange={(event) => setSeconds(Number(event.target.value))}
            data-testid="quiz-seconds"
            required
          />
        </Field>
        <Field label={t('room.quiz.launcher.options')}>
          <input
            type="number"
            min={QUIZ_OPTIONS.minimum}
            max={QUIZ_OPTIONS.maximum}
            value={options}
            onChange={(event) => setOptions(Number(event.target.value))}
            data-testid="quiz-options"
            required
          />
        </Field>
      </div>
      <button type="submit" className="btn btn-primary" disabled={!chosen || launching} data-testid="quiz-launch">
        {launching ? t('room.quiz.launcher.launching') : t('room.quiz.launcher.submit')}
      </button>
    </form>
  );
}
