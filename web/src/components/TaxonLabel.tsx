import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Taxon } from '@contract';
import { taxonQuery } from '../api/taxa-queries';
import { useLanguage } from '../i18n';
import { NOT_VECTOR_TAXON, UNKNOWN_TAXON } from '../identification';
import { TaxonName } from './TaxonName';
import { Icon } from './Icon';

type TaxonNames = Pick<Taxon, 'id' | 'nameZh' | 'nameEn'> & Partial<Pick<Taxon, 'watchList'>>;

/** The watch-list flag: a taxon watched for at ports. */
export function WatchListMarker() {
  const { t } = useTranslation();
  return (
    <span className="watch-marker" title={t('taxonomy.watchList')} data-testid="watch-marker">
      <Icon name="flag" label={t('taxonomy.watchList')} />
    </span>
  );
}

/** A taxon by its name in the UI language (the other language's as a fallback) and its scientific name. */
export function TaxonLabel({ taxon, testId }: { taxon: TaxonNames; testId?: string }) {
  const lng = useLanguage();
  // "Not a vector" has no scientific name to add.
  if (taxon.id === NOT_VECTOR_TAXON) return <TaxonName taxon={taxon.id} testId={testId} />;
  const vernacular = (lng === 'zh' ? taxon.nameZh : taxon.nameEn) || taxon.nameEn || taxon.nameZh;
  return (
    <span className="taxon-label" data-testid={testId} data-taxon={taxon.id}>
      {vernacular && vernacular !== taxon.id && <span className="taxon-vernacular">{vernacular}</span>}
      <TaxonName taxon={taxon.id} />
      {taxon.watchList && <WatchListMarker />}
    </span>
  );
}

function LookedUpTaxon({ id, testId }: { id: string; testId: string | undefined }) {
  const { data: taxon } = useQuery(taxonQuery(id));
  return taxon ? <TaxonLabel taxon={taxon} testId={testId} /> : <TaxonName taxon={id} testId={testId} vernacular />;
}

/** A taxon known by its id only: its names come from the taxonomy; until then (or unknown to it), the scientific name. */
export function TaxonById({ id, testId }: { id: string; testId?: string }) {
  if (id === UNKNOWN_TAXON) return <TaxonName taxon={id} testId={testId} />;
  return <LookedUpTaxon id={id} testId={testId} />;
}
