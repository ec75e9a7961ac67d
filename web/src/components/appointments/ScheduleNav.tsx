import { useTranslation } from 'react-i18next';
import { addDays, dayKeyOf, SCHEDULE_VIEWS, type ScheduleSearch, type ScheduleView } from '../../appointments';
import { formatDay } from '../../format';
import { useLanguage } from '../../i18n';
import { Icon } from '../Icon';

interface Props {
  days: readonly string[];
  view: ScheduleView;
  /** Offer the day/week switch (the lab schedule); the booking page always shows a week. */
  switchable?: boolean;
  go: (patch: ScheduleSearch) => void;
}

/** The period a schedule shows, the way to the one before and after it and back to today, and the day/week switch. */
export function ScheduleNav({ days, view, switchable = false, go }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const first = days[0] ?? dayKeyOf(new Date());
  const step = view === 'day' ? 1 : 7;
  const label = days.length > 1 ? `${formatDay(first, lng)} – ${formatDay(days.at(-1) ?? first, lng)}` : formatDay(first, lng);
  return (
    <div className="schedule-nav" data-testid="schedule-nav">
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => go({ day: addDays(first, -step) })}
        data-testid="schedule-previous"
      >
        <Icon name="arrowLeft" /> {t(view === 'day' ? 'schedule.previousDay' : 'schedule.previousWeek')}
      </button>
      <button type="button" className="btn btn-ghost btn-small" onClick={() => go({ day: undefined })} data-testid="schedule-today">
        {t('schedule.today')}
      </button>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => go({ day: addDays(first, step) })}
        data-testid="schedule-next"
      >
        {t(view === 'day' ? 'schedule.nextDay' : 'schedule.nextWeek')} <Icon name="arrowRight" />
      </button>
      <strong className="schedule-period" data-testid="schedule-period">
        {label}
      </strong>
      {switchable && (
        <nav className="tabs" aria-label={t('schedule.view')}>
          {SCHEDULE_VIEWS.map((option) => (
            <button
              key={option}
              type="button"
              className={`tab${option === view ? ' is-active' : ''}`}
              aria-pressed={option === view}
              onClick={() => go({ view: option, day: first })}
              data-testid={`schedule-view-${option}`}
            >
              {t(`schedule.views.${option}`)}
            </button>
          ))}
        </nav>
      )}
    </div>
  );
}
