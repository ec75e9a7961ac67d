import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonMatch } from '@contract';
import { useCreateRoom } from '../../api/queries';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { TraineePicker } from './TraineePicker';

/**
 * Experts and administrators open a class here: with no start time it starts now and they go straight into it to
 * present; with a start time it is scheduled, and the enrolled trainees find it on their classes page.
 */
export function ScheduleClassForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const createRoom = useCreateRoom();
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [description, setDescription] = useState('');
  const [trainees, setTrainees] = useState<PersonMatch[]>([]);
  const [scheduled, setScheduled] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed || createRoom.isPending) return;
    const startsLater = startsAt !== '' && new Date(startsAt).getTime() > Date.now();
    createRoom.mutate(
      {
        kind: 'class',
        title: trimmed,
        // datetime-local is the browser's local time: sent as the instant it names.
        ...(startsAt ? { scheduledAt: new Date(startsAt).toISOString() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
        trainees: trainees.map((person) => person.id),
      },
      {
        onSuccess: (room) => {
          if (!startsLater) return void navigate({ to: '/rooms/$id', params: { id: room.id } });
          setScheduled(room.title);
          setTitle('');
          setStartsAt('');
          setDescription('');
          setTrainees([]);
        },
      },
    );
  }

  return (
    <form className="card new-class" onSubmit={onSubmit} aria-label={t('roomsPage.newClass')}>
      <Field label={t('roomsPage.classTitle')} layout="inline">
        <input
          type="text"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          data-testid="new-class-title"
          required
        />
      </Field>
      <Field label={t('classes.startsAt')} layout="inline">
        <input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} data-testid="new-class-start" />
      </Field>
      <Field label={t('classes.description')} layout="wide">
        <textarea
          value={description}
          maxLength={2000}
          rows={2}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="new-class-description"
        />
      </Field>
      <TraineePicker chosen={trainees} onChange={setTrainees} />
      <button type="submit" className="btn btn-primary" disabled={createRoom.isPending || !title.trim()} data-testid="new-class-submit">
        {createRoom.isPending ? t('roomsPage.creating') : t(startsAt ? 'classes.schedule' : 'roomsPage.createClass')}
      </button>
      {scheduled && (
        <p className="muted" role="status" data-testid="new-class-scheduled">
          {t('classes.scheduled', { title: scheduled })}
        </p>
      )}
      <ErrorMessage error={createRoom.error} />
    </form>
  );
}
