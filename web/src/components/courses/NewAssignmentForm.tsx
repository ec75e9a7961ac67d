import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PRACTICE_SIZE, type AssignmentKind } from '@contract';
import { useCreateCourseAssignment } from '../../api/course-queries';
import { roomListQuery } from '../../api/queries';
import { dateTimeLocalToIso } from '../../format';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';
import { PracticeSubjectFields, type PracticeSubject } from '../practice/PracticeSubjectFields';
import { EnumSelect, Select } from '../Select';

/** The classes that may be assigned: open ones the instructor sees. */
const OPEN_CLASSES = { kind: 'class', active: true, limit: 200 } as const;
const DEFAULT_SET_SIZE = 10;

/** Gives the course a practice set (its size and, optionally, groups and taxa) or a class, each by a due date. */
export function NewAssignmentForm({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const create = useCreateCourseAssignment(courseId);
  const classes = useQuery(roomListQuery(OPEN_CLASSES));
  const [kind, setKind] = useState<AssignmentKind>('practice');
  const [title, setTitle] = useState('');
  const [size, setSize] = useState(DEFAULT_SET_SIZE);
  const [subject, setSubject] = useState<PracticeSubject>({ groups: [], taxa: [] });
  const [roomId, setRoomId] = useState('');
  const [dueAt, setDueAt] = useState('');

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    // datetime-local is the browser's local time: sent as the instant it names.
    const due = dateTimeLocalToIso(dueAt);
    if (!due || create.isPending) return;
    const trimmed = title.trim();
    const body =
      kind === 'practice'
        ? { kind, title: trimmed, size, dueAt: due, groups: [...subject.groups], taxa: subject.taxa.map((taxon) => taxon.id) }
        : { kind, roomId, dueAt: due, ...(trimmed ? { title: trimmed } : {}) };
    create.mutate(body, {
      onSuccess: () => {
        setTitle('');
        setRoomId('');
        setDueAt('');
      },
    });
  }

  const ready = dueAt !== '' && (kind === 'practice' ? title.trim() !== '' : roomId !== '');
  return (
    <form className="card form-grid" onSubmit={onSubmit} aria-label={t('courses.newAssignment')} data-testid="new-assignment">
      <h2 className="card-title">{t('courses.newAssignment')}</h2>
      <Field label={t('courses.kind')} layout="inline">
        <EnumSelect kind="assignmentKind" value={kind} onChange={setKind} testId="assignment-kind" />
      </Field>
      <Field label={t('courses.assignmentTitle')} required={kind === 'practice'} layout="inline">
        <input
          type="text"
          value={title}
          maxLength={200}
          onChange={(event) => setTitle(event.target.value)}
          placeholder={kind === 'class' ? t('courses.classTitleHint') : undefined}
          required={kind === 'practice'}
          data-testid="assignment-title"
        />
      </Field>
      {kind === 'practice' ? (
        <>
          <Field label={t('courses.setSize')} layout="inline">
            <input
              type="number"
              min={1}
              max={MAX_PRACTICE_SIZE}
              value={size}
              onChange={(event) => setSize(Number(event.target.value))}
              required
              data-testid="assignment-size"
            />
          </Field>
          <PracticeSubjectFields value={subject} onChange={setSubject} />
        </>
      ) : (
        <Field label={t('courses.class')} required layout="inline">
          <Select
            options={(classes.data?.items ?? []).map((room) => ({ value: room.id, label: room.title }))}
            value={roomId}
            onChange={setRoomId}
            placeholder={t('common.pleaseSelect')}
            required
            testId="assignment-room"
          />
        </Field>
      )}
      <Field label={t('courses.dueAt')} required layout="inline">
        <input
          type="datetime-local"
          value={dueAt}
          onChange={(event) => setDueAt(event.target.value)}
          required
          data-testid="assignment-due"
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!ready || create.isPending} data-testid="assignment-submit">
          {t('courses.assign')}
        </button>
      </div>
      <ErrorMessage error={create.error} />
    </form>
  );
}
