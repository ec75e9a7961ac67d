import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScheduledSlot } from '@contract';
import { labScheduleQuery } from '../../api/appointment-queries';
import { slotsByDay, type Period } from '../../appointments';
import { formatDay } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';

interface Props {
  labId: string;
  period: Period;
  /** One slot as the page shows it: free places and a booking button, or the appointments in it. */
  renderSlot: (slot: ScheduledSlot) => ReactNode;
}

/** A lab's schedule for a period: its days side by side (one for a day view), each with its slots in time order. */
export function DaySlots({ labId, period, renderSlot }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { days } = period;
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(labScheduleQuery(labId, period.query));
  if (isPending) return <p className="muted">{t('common.loading')}</p>;
  const byDay = slotsByDay(data?.slots ?? [], days);
  return (
    <>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <div
        className={`schedule-days${days.length === 1 ? ' is-single' : ''}${loading ? ' is-loading' : ''}`}
        aria-busy={loading}
        data-testid="schedule-days"
      >
        {days.map((day) => {
          const daySlots = byDay.get(day) ?? [];
          return (
            <section key={day} className="schedule-day" data-testid="schedule-day" data-day={day}>
              <h2 className="schedule-day-title">{formatDay(day, lng)}</h2>
              {daySlots.length === 0 ? <p className="muted small">{t('schedule.noSlots')}</p> : daySlots.map(renderSlot)}
            </section>
          );
        })}
      </div>
    </>
  );
}
