import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lab, ScheduledSlot } from '@contract';
import { useCreateSlot } from '../api/appointment-queries';
import {
  checkSlotDraft,
  dayKeyOf,
  isChangeable,
  MAX_SLOT_CAPACITY,
  periodOf,
  type ScheduleSearch,
  type ScheduleView,
  type SlotDraft,
} from '../appointments';
import { DaySlots } from '../components/appointments/DaySlots';
import { CancelAppointmentButton } from '../components/appointments/CancelAppointmentButton';
import { ChosenLab } from '../components/appointments/ChosenLab';
import { ScheduleNav } from '../components/appointments/ScheduleNav';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { formatTimeRange, unitName } from '../format';
import { useLanguage } from '../i18n';

const route = getRouteApi('/signed-in/lab-schedule');

/** A new slot for the lab: a day, local start and end times, and how many appointments it takes. */
function NewSlotForm({ lab, day }: { lab: Lab; day: string }) {
  const { t } = useTranslation();
  const create = useCreateSlot();
  const [draft, setDraft] = useState<SlotDraft>({ day, start: '09:00', end: '10:00', capacity: '4' });
  const check = checkSlotDraft(draft);
  const change = (patch: Partial<SlotDraft>) => setDraft((current) => ({ ...current, ...patch }));

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (check.kind === 'ok' && !create.isPending) create.mutate({ labId: lab.id, body: check.body });
  }

  return (
    <form className="card new-slot" onSubmit={onSubmit} aria-label={t('labSchedule.newSlot')} data-testid="new-slot-form">
      <h2 className="card-title">{t('labSchedule.newSlot')}</h2>
      <div className="form-grid">
        {(['day', 'start', 'end'] as const).map((field) => (
          <Field key={field} label={t(`labSchedule.${field}`)} required>
            <input
              type={field === 'day' ? 'date' : 'time'}
              value={draft[field]}
              onChange={(event) => change({ [field]: event.target.value })}
              required
              data-testid={`new-slot-${field}`}
            />
          </Field>
        ))}
        <Field label={t('labSchedule.capacity')} required>
          <input
            type="number"
            min={1}
            max={MAX_SLOT_CAPACITY}
            value={draft.capacity}
            onChange={(event) => change({ capacity: event.target.value })}
            aria-invalid={check.kind === 'bad-capacity'}
            required
            data-testid="new-slot-capacity"
          />
        </Field>
      </div>
      {check.kind === 'ends-before-start' && <p className="field-warning small">{t('labSchedule.endsBeforeStart')}</p>}
      {check.kind === 'bad-capacity' && <p className="field-warning small">{t('labSchedule.badCapacity', { max: MAX_SLOT_CAPACITY })}</p>}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={check.kind !== 'ok' || create.isPending} data-testid="new-slot-submit">
          {create.isPending ? t('common.saving') : t('labSchedule.publish')}
        </button>
        {create.isSuccess && !create.isPending && <span className="muted small">{t('labSchedule.published')}</span>}
      </div>
      <ErrorMessage error={create.error} testId="new-slot-error" />
    </form>
  );
}

/** One slot with every appointment booked in it, each of which a manager may cancel before the slot starts. */
function ManagedSlot({ slot, now }: { slot: ScheduledSlot; now: Date }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  return (
    <div className={`slot${slot.free === 0 ? ' slot-full' : ''}`} data-testid="slot" data-slot-id={slot.id}>
      <div className="slot-time">{formatTimeRange(slot.startsAt, slot.endsAt, lng)}</div>
      <div className="small">{t('labSchedule.booked', { booked: slot.booked, capacity: slot.capacity })}</div>
      {slot.appointments.length > 0 && (
        <ul className="slot-appointments">
          {slot.appointments.map((appointment) => (
            <li key={appointment.id} data-testid="slot-appointment" data-appointment-id={appointment.id}>
              <strong>{unitName(appointment.unit, lng)}</strong> · {appointment.bookedBy.displayName}
              {appointment.specimenIds.length > 0 && (
                <span className="muted small"> · {t('labSchedule.specimenCount', { count: appointment.specimenIds.length })}</span>
              )}
              {appointment.notes && <div className="small pre-wrap">{appointment.notes}</div>}
              {isChangeable(appointment, now) && <CancelAppointmentButton appointmentId={appointment.id} quiet />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The lab's slots of the day or week shown, each with its appointments. */
function ManagedSchedule({ lab, day, view, go }: { lab: Lab; day: string; view: ScheduleView; go: (patch: ScheduleSearch) => void }) {
  const period = periodOf(day, view);
  const now = new Date();
  return (
    <>
      <ScheduleNav days={period.days} view={view} switchable go={go} />
      <DaySlots labId={lab.id} period={period} renderSlot={(slot) => <ManagedSlot key={slot.id} slot={slot} now={now} />} />
    </>
  );
}

/** `#/lab-schedule` (a lab's managers, administrators): a day or a week of the lab's slots with every appointment; new slots. */
export function LabSchedulePage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const view = search.view ?? 'week';
  const day = search.day ?? dayKeyOf(new Date());
  const go = (patch: ScheduleSearch) => void navigate({ search: (previous) => ({ ...previous, ...patch }) });

  return (
    <section className="page" data-testid="lab-schedule-page" data-view={view}>
      <h1 className="page-title">{t('labSchedule.title')}</h1>
      <ChosenLab
        which={(lab) => lab.canManage}
        labId={search.lab}
        onChoose={(labId) => go({ lab: labId })}
        none={{ text: t('labSchedule.noLab'), testId: 'lab-schedule-no-lab' }}
      >
        {(lab) => (
          <>
            <NewSlotForm key={`${lab.id}@${day}`} lab={lab} day={day} />
            <ManagedSchedule lab={lab} day={day} view={view} go={go} />
          </>
        )}
      </ChosenLab>
    </section>
  );
}
