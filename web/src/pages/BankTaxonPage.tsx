import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bankEntryQuery } from '../api/bank-queries';
import { BankSpecimenCard } from '../components/bank/BankSpecimenCard';
import { LookAlikes } from '../components/bank/LookAlikes';
import { ErrorMessage } from '../components/ErrorMessage';
import { Icon } from '../components/Icon';
import { ListBody } from '../components/ListBody';
import { Pagination } from '../components/Pagination';
import { TaxonLabel } from '../components/TaxonLabel';
import { useCurrentUser } from '../current-user';
import { useEnumLabel } from '../enums';
import { useLanguage } from '../i18n';

const PAGE_SIZE = 12;

const route = getRouteApi('/signed-in/bank/$taxonId');

/**
 * `#/bank/$taxonId`: one taxon's reference entry — its confirmed specimens (teaching examples first) with photos, the
 * experts' notes and the consultations' annotated stills, and its look-alikes side by side. Experts and administrators
 * mark examples and hide poor specimens here.
 */
export function BankTaxonPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const { taxonId } = route.useParams();
  const { role } = useCurrentUser();
  const canMark = role === 'expert' || role === 'admin';
  const [offset, setOffset] = useState(0);
  const { data, error, isPending, isPlaceholderData: loading, refetch } = useQuery(bankEntryQuery(taxonId, { limit: PAGE_SIZE, offset }));
  const specimens = data?.specimens.items ?? [];

  return (
    <section className="page" data-testid="bank-entry-page" data-taxon={taxonId}>
      <p>
        <Link to="/bank">
          <Icon name="arrowLeft" /> {t('bank.back')}
        </Link>
      </p>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {data && (
        <header className="bank-entry-head">
          <h1 className="page-title">
            <TaxonLabel taxon={data.taxon} testId="bank-entry-taxon" />
          </h1>
          <p className="muted">
            {enumLabel('group', data.taxon.group)} · {enumLabel('rank', data.taxon.rank)}
            {data.taxon.diseases.length > 0 &&
              ` · ${t('bank.diseases', { list: data.taxon.diseases.map((disease) => (lng === 'zh' ? disease.nameZh : disease.nameEn)).join(', ') })}`}
          </p>
        </header>
      )}
      <div className="review-layout">
        <div className="review-main">
          <ListBody
            pending={isPending}
            error={error}
            empty={specimens.length === 0}
            emptyText={t('bank.noSpecimens')}
            emptyTestId="bank-no-specimens"
            loading={loading}
          >
            <div className="bank-specimens" data-testid="bank-specimens">
              {specimens.map((specimen) => (
                <BankSpecimenCard key={specimen.id} specimen={specimen} canMark={canMark} />
              ))}
            </div>
          </ListBody>
          {data && (
            <Pagination
              offset={offset}
              shown={specimens.length}
              total={data.specimens.total}
              pageSize={PAGE_SIZE}
              loading={loading}
              onPage={(page) => setOffset((page - 1) * PAGE_SIZE)}
            />
          )}
        </div>
        <aside className="review-side">{data && <LookAlikes lookAlikes={data.lookAlikes} />}</aside>
      </div>
    </section>
  );
}
