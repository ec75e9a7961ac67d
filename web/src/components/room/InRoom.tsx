import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canAnnotate, type RoomDetail, type Specimen, type User } from '@contract';
import type { DeviceChoice } from '../../rtc/local-media';
import type { RoomClient } from '../../rtc/room-client';
import { allows, type RoomState } from '../../rtc/room-state';
import { useErrorText } from '../ErrorMessage';
import { LiveAnnotationsContext } from './LiveAnnotationLayer';
import { Participants } from './Participants';
import { QuizPanel } from './QuizPanel';
import { RoomChat } from './RoomChat';
import { RoomControls } from './RoomControls';
import { RoomIdentificationForm } from './RoomIdentificationForm';
import { useNow } from './room-hooks';
import { StillPicker } from './StillPicker';
import { StillView, type StillTarget } from './StillView';
import { VideoStage } from './VideoStage';

interface Props {
  client: RoomClient;
  state: RoomState;
  detail: RoomDetail;
  specimen: Specimen | null;
  user: User;
  devices: DeviceChoice;
}

/** In the room: the shared still, the video tiles and the controls; beside them the participants, the chat and the outcome. */
export function InRoom({ client, state, detail, specimen, user, devices }: Props) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [actionError, setActionError] = useState<unknown>(null);
  const [picking, setPicking] = useState(false);
  const { room } = detail;
  const me = state.me;
  // Microphone grants count down: the clock ticks while anyone holds one.
  const now = useNow((me?.microphoneGrantedUntil ?? null) !== null || state.peers.some((peer) => peer.microphoneGrantedUntil !== null));
  const images = specimen?.images ?? [];
  // Stills may be saved onto a consultation's specimen by anybody but trainees.
  const stillTarget: StillTarget | null =
    room.kind === 'consultation' && room.specimenId && user.role !== 'trainee' ? { specimenId: room.specimenId, roomId: room.id } : null;

  const run = (action: () => Promise<unknown>) => {
    setActionError(null);
    action().catch((error: unknown) => setActionError(error));
  };

  return (
    <div className={`room${state.still ? ' has-still' : ''}`}>
      <div className="room-main">
        {state.phase !== 'joined' && (
          <p className="alert room-status" data-testid="room-connecting">
            {t(`room.phase.${state.phase}`)} {state.error && <span className="muted small">({state.error})</span>}
          </p>
        )}
        {actionError !== null && (
          <p className="alert alert-error" role="alert" data-testid="room-error">
            {t('room.error', { message: errorText(actionError) })}
          </p>
        )}
        {state.still && me && (
          <StillView
            still={state.still}
            annotations={state.annotations}
            userId={user.id}
            canAnnotate={allows(state, canAnnotate)}
            saveTarget={stillTarget}
            onAnnotate={(annotation) => client.annotate(annotation)}
            onClear={() => client.clearAnnotations()}
            onError={setActionError}
          />
        )}
        <LiveAnnotationsContext.Provider
          value={{
            marks: state.liveMarks,
            userId: user.id,
            canAnnotate: allows(state, canAnnotate),
            annotate: (annotation) => client.annotate(annotation),
            clear: (target) => client.clearAnnotations(target),
            onError: setActionError,
          }}
        >
          <VideoStage client={client} state={state} myName={user.displayName} />
        </LiveAnnotationsContext.Provider>
        <RoomControls
          client={client}
          state={state}
          devices={devices}
          now={now}
          hasImages={images.length > 0}
          onPickStill={() => setPicking(!picking)}
          stillTarget={stillTarget}
          run={run}
          onError={setActionError}
        />
        {picking && (
          <StillPicker
            images={images}
            onPick={(imageId) => {
              setPicking(false);
              run(() => client.shareStill(imageId));
            }}
            onCancel={() => setPicking(false)}
          />
        )}
      </div>

      <aside className="room-side">
        {room.kind === 'class' && <QuizPanel client={client} state={state} />}
        <Participants client={client} state={state} now={now} onError={setActionError} />
        <RoomChat client={client} state={state} userId={user.id} onError={setActionError} />
        {/* The API's rule, not one of the room's permissions: the consultation's host records its outcome. */}
        {me?.role === 'host' && room.kind === 'consultation' && <RoomIdentificationForm roomId={room.id} />}
      </aside>
    </div>
  );
}
