import type { GeoPosition } from '@contract';
import { useTranslation } from 'react-i18next';
import { formatCoordinates } from '../format';

/** A position as people read it: latitude, longitude and, where the device said, how far off it may be. */
export function PositionText({ position }: { position: GeoPosition }) {
  const { t } = useTranslation();
  return (
    <>
      {formatCoordinates(position)}
      {position.accuracyMetres !== undefined && (
        <span className="muted"> {t('field.accuracy', { metres: Math.round(position.accuracyMetres) })}</span>
      )}
    </>
  );
}
