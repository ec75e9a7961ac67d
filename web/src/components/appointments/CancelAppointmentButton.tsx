import { useTranslation } from 'react-i18next';
import { useCancelAppointment } from '../../api/appointment-queries';
import { ErrorMessage } from '../ErrorMessage';

/** Cancels one appointment, freeing its place; says why when the server refuses (it started, it was cancelled). */
export function CancelAppointmentButton({ appointmentId, quiet = false }: { appointmentId: string; quiet?: boolean }) {
  const { t } = useTranslation();
  const cancel = useCancelAppointment();
  return (
    <>
      <button
        type="button"
        className={`btn btn-small ${quiet ? 'btn-ghost' : 'btn-danger'}`}
        disabled={cancel.isPending}
        onClick={() => cancel.mutate(appointmentId)}
        data-testid="appointment-cancel"
      >
        {t('appointments.cancel')}
      </button>
      <ErrorMessage error={cancel.error} testId="cancel-error" />
    </>
  );
}
