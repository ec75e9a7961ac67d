import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { VectorGroup } from '@contract';
import { api } from '../../api/client';
import { ErrorMessage } from '../ErrorMessage';
import { EnumSelect } from '../Select';

/** The consultation's host records the identification agreed in it (an expert answer in the specimen's history). */
export function RoomIdentificationForm({ roomId }: { roomId: string }) {
  const { t } = useTranslation();
  const [group, setGroup] = useState<VectorGroup>('mosquito');
  const [taxon, setTaxon] = useState('');
  const [notes, setNotes] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    setError(null);
    try {
      await api.recordRoomIdentification({ params: { id: roomId }, body: { group, taxon: taxon.trim(), notes: notes.trim() || null } });
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="card room-card" onSubmit={(e) => void save(e)} data-testid="room-identification">
      <h2 className="card-title">{t('room.identify.title')}</h2>
      <label className="field">
        <span className="field-label">{t('room.identify.group')}</span>
        <EnumSelect kind="group" value={group} onChange={setGroup} testId="room-identification-group" />
      </label>
      <label className="field">
        <span className="field-label">{t('room.identify.taxon')}</span>
        <input value={taxon} onChange={(e) => setTaxon(e.target.value)} required maxLength={200} data-testid="room-identification-taxon" />
      </label>
      <label className="field">
        <span className="field-label">{t('room.identify.notes')}</span>
        <textarea
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          maxLength={5000}
          rows={2}
          data-testid="room-identification-notes"
        />
      </label>
      <button type="submit" className="btn btn-primary btn-small" disabled={saving || !taxon.trim()} data-testid="room-identification-save">
        {saving ? t('common.saving') : t('room.identify.save')}
      </button>
      {saved && (
        <p className="alert alert-success" data-testid="room-identification-saved">
          {t('room.identify.saved')}
        </p>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}
