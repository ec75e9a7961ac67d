import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints, urlOf, type Recording, type RecordingNotice } from '@contract';
import { api } from '../../api/client';
import { formatBytes, formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Icon } from '../Icon';

interface Props {
  roomId: string;
  /** Joined as the host: may start and stop recording. */
  canRecord: boolean;
  /** The live room's recording notice (null when not recording, or not joined). */
  recording: RecordingNotice | null;
}

/** How often the list is read again while a recording is being written. */
const PROCESSING_POLL_MS = 1500;

function recordingUrl(recording: Recording, track?: number): string {
  const params = { id: recording.roomId, recordingId: recording.id };
  return track === undefined
    ? urlOf(endpoints.getRecordingFile, { params })
    : urlOf(endpoints.getRecordingTrack, { params: { ...params, number: track } });
}

function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The room's recordings (downloadable once ready) and, for the host in the room, the record / stop button. */
export function RoomRecordings({ roomId, canRecord, recording }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const [items, setItems] = useState<Recording[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The recording shown in the player (one at a time); the server serves byte ranges, so it seeks.
  const [playing, setPlaying] = useState<string | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      api.listRecordings({ params: { id: roomId } }, { signal }).then(
        (list) => setItems(list.items),
        (err: unknown) => {
          if (!signal?.aborted) setError(err);
        },
      ),
    [roomId],
  );

  // Read again whenever recording starts or stops in the room (whoever did it).
  const recordingId = recording?.recordingId ?? null;
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load, recordingId]);

  const processing = items?.some((item) => item.status === 'processing') ?? false;
  useEffect(() => {
    if (!processing) return;
    const timer = setInterval(() => void load(), PROCESSING_POLL_MS);
    return () => clearInterval(timer);
  }, [load, processing]);

  async function toggle(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      if (recording) await api.stopRecording({ params: { id: roomId, recordingId: recording.recordingId } });
      else await api.startRecording({ params: { id: roomId } });
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!canRecord && items !== null && items.length === 0 && !error) return null;
  return (
    <div className="card room-card room-recordings" data-testid="room-recordings">
      <div className="card-head">
        <h2 className="card-title">{t('recordings.title')}</h2>
        {canRecord && (
          <button
            type="button"
            className={`btn btn-small ${recording ? 'btn-danger' : 'btn-secondary'}`}
            disabled={busy}
            onClick={() => void toggle()}
            data-testid={recording ? 'recording-stop' : 'recording-start'}
          >
            <Icon name={recording ? 'stop' : 'record'} /> {recording ? t('recordings.stop') : t('recordings.start')}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
      {items === null ? (
        error ? null : (
          <p className="muted">{t('common.loading')}</p>
        )
      ) : items.length === 0 ? (
        <p className="muted small">{t('recordings.none')}</p>
      ) : (
        <ul className="recording-list">
          {items.map((item) => (
            <li key={item.id} className="recording-item" data-testid="recording" data-recording-id={item.id} data-status={item.status}>
              <div>
                <span className={`badge recording-status status-${item.status}`}>{t(`recordings.status.${item.status}`)}</span>{' '}
                <span className="small">
                  {t('recordings.startedBy', { name: item.startedBy.displayName, time: formatDateTime(item.startedAt, lng) })}
                </span>
              </div>
              {item.status === 'ready' && (
                <div className="small">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    onClick={() => setPlaying(playing === item.id ? null : item.id)}
                    data-testid="recording-play"
                  >
                    {playing === item.id ? t('recordings.closePlayer') : t('recordings.play')}
                  </button>{' '}
                  <a href={recordingUrl(item)} download data-testid="recording-download">
                    {t('recordings.download')}
                  </a>{' '}
                  <span className="muted">
                    {formatDuration(item.durationMs)} · {formatBytes(item.sizeBytes ?? 0, lng)} · {item.mediaType}
                  </span>
                </div>
              )}
              {item.status === 'ready' && playing === item.id && (
                <video className="recording-player" src={recordingUrl(item)} controls preload="metadata" data-testid="recording-player" />
              )}
              {item.tracks.length > 0 && (
                <ul className="recording-tracks small">
                  {item.tracks.map((track) => (
                    <li key={track.number}>
                      <a href={recordingUrl(item, track.number)} download data-testid="recording-track">
                        {t('recordings.track', {
                          name: track.displayName,
                          source: t(`room.source.${track.source}`, { defaultValue: track.source }),
                        })}
                      </a>{' '}
                      <span className="muted">
                        {track.codec}
                        {track.width && track.height ? ` ${track.width}×${track.height}` : ''} · {formatDuration(track.durationMs)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {item.problems.length > 0 && (
                <ul className="recording-problems small muted" data-testid="recording-problems">
                  {item.problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
