import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appointment, Lab, ScheduledSlot } from '@contract';
import { appointmentListQuery, useBookAppointment, useChangeAppointment } from '../api/appointment-queries';
import { specimenListQuery } from '../api/queries';
import { dayKeyOf, dayStart, isChangeable, periodOf, slotState, type ScheduleSearch } from '../appointments';
import { DaySlots } from '../components/appointments/DaySlots';
import { CancelAppointmentButton } from '../components/appointments/CancelAppointmentButton';
import { ChosenLab } from '../components/appointments/ChosenLab';
import { ScheduleNav } from '../components/appointments/ScheduleNav';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { formatDateTime, formatDay, formatTimeRange, portLabel, unitName } from '../format';
import { useLanguage } from '../i18n';

const route = getRouteApi('/signed-in/appointments');

/** The specimens offered for linking: the latest of the user's scope. */
const RECENT_SPECIMENS = { limit: 20, offset: 0 };

/** Notes and specimens for a place in the chosen slot; booking it may still meet a full slot (409), which it says. */
function BookingForm({ slot, lab, onClose }: { slot: ScheduledSlot; lab: Lab; onClose: () => void }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const book = useBookAppointment();
  const specimens = useQuery(specimenListQuery(RECENT_SPECIMENS));
  const [notes, setNotes] = useState('');
  const [specimenIds, setSpecimenIds] = useState<ReadonlySet<string>>(new Set());

  function toggle(id: string, on: boolean): void {
    setSpecimenIds((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (book.isPending) return;
    const trimmed = notes.trim();
    book.mutate(
      { slotId: slot.id, ...(trimmed ? { notes: trimmed } : {}), ...(specimenIds.size > 0 ? { specimenIds: [...specimenIds] } : {}) },
      { onSuccess: onClose },
    );
  }

  return (
    <form className="card booking-form" onSubmit={onSubmit} aria-label={t('appointments.book')} data-testid="booking-form">
      <h2 className="card-title">
        {t('appointments.bookingFor', {
          lab: unitName(lab, lng),
          day: formatDay(dayKeyOf(new Date(slot.startsAt)), lng),
          time: formatTimeRange(slot.startsAt, slot.endsAt, lng),
        })}
      </h2>
      <Field label={t('appointments.notes')} layout="wide">
        <textarea value={notes} maxLength={2000} rows={2} onChange={(event) => setNotes(event.target.value)} data-testid="booking-notes" />
      </Field>
      <fieldset className="booking-specimens">
        <legend>{t('appointments.specimens')}</legend>
        <ErrorMessage error={specimens.error} />
        {specimens.data?.items.length === 0 && <p className="muted small">{t('appointments.noSpecimens')}</p>}
        {specimens.data?.items.map((specimen) => (
          <label key={specimen.id} className="field-check">
            <input
              type="checkbox"
              checked={specimenIds.has(specimen.id)}
              onChange={(event) => toggle(specimen.id, event.target.checked)}
              data-testid="booking-specimen"
            />
            {portLabel(specimen.port, lng)} · {formatDateTime(specimen.collectedAt, lng)}
          </label>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={book.isPending} data-testid="booking-submit">
          {book.isPending ? t('appointments.booking') : t('appointments.confirmBooking')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('appointments.close')}
        </button>
      </div>
      <ErrorMessage error={book.error} testId="booking-error" />
    </form>
  );
}

interface WeekProps {
  lab: Lab;
  day: string;
  go: (patch: ScheduleSearch) => void;
  /** The appointment being moved: slots offer to take it instead of a new booking. */
  moving: Appointment | null;
  onMoved: () => void;
}

/** A lab's week: each slot with its free places, the user's own unit's bookings in it, and a button to book or move. */
function BookingWeek({ lab, day, go, moving, onMoved }: WeekProps) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const period = periodOf(day, 'week');
  const change = useChangeAppointment();
  const [chosen, setChosen] = useState<ScheduledSlot | null>(null);
  const now = new Date();

  function pick(slot: ScheduledSlot): void {
    if (!moving) {
      setChosen(slot);
      return;
    }
    change.mutate({ id: moving.id, patch: { slotId: slot.id } }, { onSuccess: onMoved });
  }

  return (
    <>
      <ScheduleNav days={period.days} view="week" go={go} />
      {moving && (
        <div className="alert alert-info" data-testid="moving-notice">
          <p className="alert-message">
            {t('appointments.moving', { time: formatDateTime(moving.slot.startsAt, lng) })}{' '}
            <button type="button" className="btn btn-ghost btn-small" onClick={onMoved}>
              {t('appointments.stopMoving')}
            </button>
          </p>
          <ErrorMessage error={change.error} testId="move-error" />
        </div>
      )}
      {chosen && !moving && <BookingForm key={chosen.id} slot={chosen} lab={lab} onClose={() => setChosen(null)} />}
      <DaySlots
        labId={lab.id}
        period={period}
        renderSlot={(slot) => {
          const state = slotState(slot, now);
          const here = moving?.slot.id === slot.id;
          return (
            <div key={slot.id} className={`slot slot-${state}`} data-testid="slot" data-slot-id={slot.id} data-state={state}>
              <div className="slot-time">{formatTimeRange(slot.startsAt, slot.endsAt, lng)}</div>
              <div className="small">{t('appointments.free', { free: slot.free, capacity: slot.capacity })}</div>
              {slot.appointments.length > 0 && (
                <div className="small slot-mine" data-testid="slot-mine">
                  {t('appointments.yours', { count: slot.appointments.length })}
                </div>
              )}
              {state === 'open' && !here && (
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  disabled={change.isPending}
                  onClick={() => pick(slot)}
                  data-testid={moving ? 'slot-move-here' : 'slot-book'}
                >
                  {t(moving ? 'appointments.moveHere' : 'appointments.book')}
                </button>
              )}
              {state !== 'open' && <div className="muted small">{t(`appointments.state.${state}`)}</div>}
            </div>
          );
        }}
      />
    </>
  );
}

/** The user's unit's coming appointments, each to move or cancel while its slot has not started. */
function MyAppointments({ onMove }: { onMove: (appointment: Appointment) => void }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [from] = useState(() => (dayStart(dayKeyOf(new Date())) ?? new Date()).toISOString());
  const list = useQuery(appointmentListQuery({ status: 'booked', from, limit: 100 }));
  const items = list.data?.items.toReversed() ?? [];
  const now = new Date();

  return (
    <section className="card" data-testid="my-appointments">
      <h2 className="card-title">{t('appointments.mine')}</h2>
      <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      {list.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty" data-testid="my-appointments-empty">
          {t('appointments.noneMine')}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('appointments.when')}</th>
                <th scope="col">{t('appointments.lab')}</th>
                <th scope="col">{t('appointments.unit')}</th>
                <th scope="col">{t('appointments.bookedBy')}</th>
                <th scope="col">{t('appointments.notes')}</th>
                <th scope="col" className="num">
                  {t('appointments.specimens')}
                </th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {items.map((appointment) => (
                <tr key={appointment.id} data-testid="my-appointment" data-appointment-id={appointment.id}>
                  <td>
                    {formatDay(dayKeyOf(new Date(appointment.slot.startsAt)), lng)}{' '}
                    {formatTimeRange(appointment.slot.startsAt, appointment.slot.endsAt, lng)}
                  </td>
                  <td>{unitName(appointment.lab, lng)}</td>
                  <td>{unitName(appointment.unit, lng)}</td>
                  <td>{appointment.bookedBy.displayName}</td>
                  <td className="pre-wrap">{appointment.notes ?? t('common.none')}</td>
                  <td className="num">{appointment.specimenIds.length}</td>
                  <td className="num">
                    {isChangeable(appointment, now) && (
                      <>
                        <button
                          type="button"
                          className="btn btn-secondary btn-small"
                          onClick={() => onMove(appointment)}
                          data-testid="appointment-move"
                        >
                          {t('appointments.move')}
                        </button>{' '}
                        <CancelAppointmentButton appointmentId={appointment.id} />
                      </>
                    )}
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

/** `#/appointments` (port staff, experts): a lab's free places for a week; book, move or cancel a hand-over of specimens. */
export function AppointmentsPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [moving, setMoving] = useState<Appointment | null>(null);
  const go = (patch: ScheduleSearch) => void navigate({ search: (previous) => ({ ...previous, ...patch }) });

  function startMoving(appointment: Appointment): void {
    setMoving(appointment);
    go({ lab: appointment.lab.id, day: dayKeyOf(new Date(appointment.slot.startsAt)) });
  }

  return (
    <section className="page" data-testid="appointments-page">
      <h1 className="page-title">{t('appointments.title')}</h1>
      <p className="muted">{t('appointments.intro')}</p>
      <ChosenLab
        which={(lab) => lab.canBook}
        labId={search.lab}
        onChoose={(labId) => go({ lab: labId })}
        none={{ text: t('appointments.noLab'), testId: 'appointments-no-lab' }}
      >
        {(lab) => (
          <BookingWeek lab={lab} day={search.day ?? dayKeyOf(new Date())} go={go} moving={moving} onMoved={() => setMoving(null)} />
        )}
      </ChosenLab>
      <MyAppointments onMove={startMoving} />
    </section>
  );
}
