import type { GeoPosition } from '@contract';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentPosition, positionRefused, PositionUnavailable, type PositionProblem } from '../field/position';
import { Icon } from './Icon';
import { PositionText } from './PositionText';

interface Props {
  value: GeoPosition | null;
  onChange: (position: GeoPosition | null) => void;
  disabled: boolean;
}

/**
 * Where the specimen was trapped, from the device's position when the person asks for it ("Use my position"); not
 * offered where the browser has no Geolocation API, and explained where the person has refused it to this site.
 */
export function PositionField({ value, onChange, disabled }: Props) {
  const { t } = useTranslation();
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<PositionProblem | null>(() => ('geolocation' in navigator ? null : 'unsupported'));

  useEffect(() => {
    let current = true;
    void positionRefused().then((refused) => {
      if (current && refused) setProblem((known) => known ?? 'denied');
    });
    return () => {
      current = false;
    };
  }, []);

  async function locate(): Promise<void> {
    setLocating(true);
    setProblem(null);
    try {
      onChange(await currentPosition());
    } catch (error) {
      setProblem(error instanceof PositionUnavailable ? error.problem : 'unavailable');
    } finally {
      setLocating(false);
    }
  }

  return (
    <div className="field field-wide position-field">
      <span className="field-label">{t('field.position')}</span>
      <div className="position-row">
        {value ? (
          <span className="position-value" data-testid="position-value">
            <PositionText position={value} />
          </span>
        ) : (
          <span className="muted">{t('field.noPosition')}</span>
        )}
        {problem !== 'unsupported' && (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => void locate()}
            disabled={disabled || locating}
            aria-busy={locating}
            data-testid="use-position"
          >
            <Icon name="locate" /> {locating ? t('field.locating') : t('field.usePosition')}
          </button>
        )}
        {value && (
          <button type="button" className="btn btn-ghost" onClick={() => onChange(null)} disabled={disabled} data-testid="clear-position">
            {t('field.clearPosition')}
          </button>
        )}
      </div>
      {problem && (
        <p className="field-warning" role="status" data-testid="position-problem">
          {t(`field.positionProblem.${problem}`)}
        </p>
      )}
    </div>
  );
}
