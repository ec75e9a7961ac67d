import { useTranslation } from 'react-i18next';
import { isItalicTaxon, NOT_VECTOR_TAXON, UNKNOWN_TAXON } from '../identification';

interface Props {
  taxon: string;
  /** The models rejected the input: the taxon is `unknown`, an expert must look. */
  rejected?: boolean;
  /** Shorter wording for `unknown`, for tables. */
  short?: boolean;
  /** Also show the common name (e.g. 库蚊属, blacklegged tick) when the locale knows one. */
  vernacular?: boolean;
  testId?: string;
}

/** A scientific name in the right typography: genus and species in italics, higher ranks upright. */
export function TaxonName({ taxon, rejected = false, short = false, vernacular = false, testId }: Props) {
  const { t, i18n } = useTranslation();

  if (rejected || taxon === UNKNOWN_TAXON) {
    return (
      <span className="taxon taxon-unknown" data-testid={testId} data-taxon={taxon}>
        {short ? t('identification.unknownShort') : t('identification.unknown')}
      </span>
    );
  }
  if (taxon === NOT_VECTOR_TAXON) {
    return (
      <span className="taxon taxon-not-vector" data-testid={testId} data-taxon={taxon}>
        {t('taxa.not_vector')}
      </span>
    );
  }

  const key = `taxa.${taxon}`;
  const common = vernacular && i18n.exists(key) ? t(key) : '';
  const showCommon = common !== '' && !common.includes(taxon);
  return (
    <span className="taxon" data-testid={testId} data-taxon={taxon}>
      {isItalicTaxon(taxon) ? (
        <i className="taxon-sci" lang="la">
          {taxon}
        </i>
      ) : (
        <span className="taxon-sci" lang="la">
          {taxon}
        </span>
      )}
      {showCommon && <span className="taxon-common">{t('identification.commonName', { name: common })}</span>}
    </span>
  );
}
