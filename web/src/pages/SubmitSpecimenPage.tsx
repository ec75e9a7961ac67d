import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbortError } from '../api/client';
import { uploadLimitsQuery, usePorts, useUploadLimits } from '../api/queries';
import type { GeoPosition, LifeStage, Sex, SiteType, Specimen, SpecimenMetadata, TrapMethod } from '@contract';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { Icon } from '../components/Icon';
import { ImageDropZone, toSelectedImages, type SelectedImage } from '../components/ImageDropZone';
import { OutboxPanel } from '../components/OutboxPanel';
import { PhotoProblems } from '../components/PhotoProblems';
import { PositionField } from '../components/PositionField';
import { useQualityMarks } from '../components/QualityNote';
import { EnumSelect, PortSelect } from '../components/Select';
import { UploadProgress } from '../components/UploadProgress';
import { useCurrentUser } from '../current-user';
import { rememberedMetadata } from '../field/remembered-metadata';
import { submitOrQueue } from '../field/submit-or-queue';
import { dateTimeLocalToIso, toDateTimeLocalValue } from '../format';
import { keysWithProblems } from '../submit/file-checks';
import { useDraft } from '../submit/form-draft';
import { checkPhotos, usePhotoProblems } from '../submit/photo-checks';

interface FormState {
  portCode: string;
  siteType: SiteType;
  locationDetail: string;
  trapMethod: TrapMethod | '';
  collectedAt: string;
  collector: string;
  count: string;
  lifeStage: LifeStage | '';
  sex: Sex | '';
  notes: string;
}

/** An empty form, but for what the person chose last time on this device (port, site, trap, location). */
function initialForm(userId: string): FormState {
  const remembered = rememberedMetadata(userId);
  return {
    portCode: remembered.portCode ?? '',
    siteType: remembered.siteType ?? 'ship',
    locationDetail: remembered.locationDetail ?? '',
    trapMethod: remembered.trapMethod ?? '',
    collectedAt: toDateTimeLocalValue(new Date()),
    collector: '',
    count: '1',
    lifeStage: '',
    sex: '',
    notes: '',
  };
}

function optionalText(value: string): string | undefined {
  const v = value.trim();
  return v ? v : undefined;
}

export function SubmitSpecimenPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const { ports, loading: portsLoading, error: portsError } = usePorts();
  const queryClient = useQueryClient();
  const limits = useUploadLimits();
  // A half-filled form, its position and photos included, is still here after a visit to another page.
  const [form, setForm, startFormAfresh] = useDraft<FormState>('submit-specimen.form', user.id, () => initialForm(user.id));
  const [position, setPosition, startPositionAfresh] = useDraft<GeoPosition | null>('submit-specimen.position', user.id, () => null);
  const [images, setImages, startImagesAfresh] = useDraft<SelectedImage[]>('submit-specimen.photos', user.id, () => []);
  const { problems, unchecked } = usePhotoProblems(images, limits);
  const problemKeys = useMemo(() => keysWithProblems(problems), [problems]);
  const { refusedKeys, markedKeys, notes: qualityNotes } = useQualityMarks(images, problemKeys, unchecked);
  const [uploading, setUploading] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [cancelled, setCancelled] = useState(false);
  const [created, setCreated] = useState<Specimen | null>(null);
  const [queued, setQueued] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  // A user attached to a single port gets it preselected; a remembered port no longer in their scope is not kept.
  const portCode = ports.some((port) => port.code === form.portCode) ? form.portCode : ports.length === 1 ? (ports[0]?.code ?? '') : '';

  // Bring the outcome into view (the form is long on phones).
  useEffect(() => {
    if (created || queued || (error && !uploading)) resultRef.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [created, queued, error, uploading]);

  // Abort a running upload when leaving the page.
  useEffect(() => () => abortRef.current?.abort(), []);

  function cancel(): void {
    abortRef.current?.abort();
    setCancelled(true);
  }

  function set<K extends keyof FormState>(key: K, value: FormState[K]): void {
    setForm((f) => ({ ...f, [key]: value }));
  }

  function validate(): { metadata: SpecimenMetadata } | { problem: string } {
    if (images.length === 0) return { problem: t('submit.needPhoto') };
    if (!portCode) return { problem: t('submit.needPort') };
    const count = Number(form.count);
    if (!Number.isInteger(count) || count < 1) return { problem: t('submit.badCount') };
    const collectedAt = dateTimeLocalToIso(form.collectedAt);
    if (!collectedAt) return { problem: t('submit.badDate') };
    const metadata: SpecimenMetadata = {
      portCode,
      siteType: form.siteType,
      collectedAt,
      count,
    };
    const locationDetail = optionalText(form.locationDetail);
    if (locationDetail) metadata.locationDetail = locationDetail;
    if (form.trapMethod) metadata.trapMethod = form.trapMethod;
    const collector = optionalText(form.collector);
    if (collector) metadata.collector = collector;
    if (form.lifeStage) metadata.lifeStage = form.lifeStage;
    if (form.sex) metadata.sex = form.sex;
    const notes = optionalText(form.notes);
    if (notes) metadata.notes = notes;
    if (position) metadata.position = position;
    return { metadata };
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    if (uploading) return;
    const result = validate();
    if ('problem' in result) {
      setError(result.problem);
      return;
    }
    setError(null);
    setCancelled(false);
    setCreated(null);
    setProgress(null);
    setQueued(false);
    setUploading(true);
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      // Nothing is sent while any photo has a problem (they are listed with the photos).
      if ((await checkPhotos(images, await queryClient.ensureQueryData(uploadLimitsQuery))).length > 0) {
        setError(t('upload.fixPhotos'));
        return;
      }
      // The server would refuse these for their quality: say so now rather than after the upload.
      if (images.some((image) => refusedKeys.has(image.key))) {
        setError(t('upload.removeRefusedPhotos'));
        return;
      }
      if (controller.signal.aborted) return;
      setProgress(0);
      const photos = images.map((i) => i.file);
      const outcome = await submitOrQueue(user.id, result.metadata, photos, { onProgress: setProgress, signal: controller.signal });
      if (outcome.kind === 'sent') setCreated(outcome.specimen);
      else setQueued(true);
      startImagesAfresh([]); // unmounting the previews revokes their object URLs
      startPositionAfresh(null);
      startFormAfresh((f) => ({ ...f, notes: '', count: '1', collectedAt: toDateTimeLocalValue(new Date()) }));
    } catch (err) {
      if (!isAbortError(err)) setError(err);
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
      setUploading(false);
    }
  }

  return (
    <section className="page">
      <h1 className="page-title">{t('submit.title')}</h1>
      <form className="submit-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <div className="card">
          <h2 className="card-title">{t('submit.photos')}</h2>
          <ImageDropZone
            images={images}
            disabled={uploading}
            limits={limits}
            problemKeys={markedKeys}
            notes={qualityNotes}
            onAdd={(files) => {
              setCreated(null);
              setQueued(false);
              setImages((prev) => [...prev, ...toSelectedImages(files, prev)]);
            }}
            onRemove={(key) => setImages((prev) => prev.filter((i) => i.key !== key))}
          />
          <PhotoProblems problems={problems} />
        </div>

        <div className="card">
          <h2 className="card-title">{t('submit.metadata')}</h2>
          {portsError ? <ErrorMessage error={portsError} /> : null}
          <fieldset className="form-grid" disabled={uploading}>
            <Field label={t('submit.port')} required>
              <PortSelect
                ports={ports}
                value={portCode}
                placeholder={portsLoading ? t('common.loading') : t('common.pleaseSelect')}
                onChange={(v) => set('portCode', v)}
                required
                testId="field-port"
              />
            </Field>

            <Field label={t('submit.siteType')} required>
              <EnumSelect kind="siteType" value={form.siteType} onChange={(v) => set('siteType', v)} required testId="field-site-type" />
            </Field>

            <Field label={t('submit.location')} layout="wide">
              <input
                type="text"
                value={form.locationDetail}
                maxLength={500}
                placeholder={t('submit.locationPlaceholder')}
                onChange={(e) => set('locationDetail', e.target.value)}
                data-testid="field-location"
              />
            </Field>

            <PositionField value={position} onChange={setPosition} disabled={uploading} />

            <Field label={t('submit.trapMethod')}>
              <EnumSelect
                kind="trapMethod"
                value={form.trapMethod}
                placeholder={t('common.notSpecified')}
                onChange={(v) => set('trapMethod', v)}
                testId="field-trap-method"
              />
            </Field>

            <Field label={t('submit.collectedAt')} required>
              <input
                type="datetime-local"
                value={form.collectedAt}
                onChange={(e) => set('collectedAt', e.target.value)}
                required
                data-testid="field-collected-at"
              />
            </Field>

            <Field label={t('submit.collector')}>
              <input
                type="text"
                value={form.collector}
                maxLength={200}
                onChange={(e) => set('collector', e.target.value)}
                data-testid="field-collector"
              />
            </Field>

            <Field label={t('submit.count')}>
              <input
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={form.count}
                onChange={(e) => set('count', e.target.value)}
                data-testid="field-count"
              />
            </Field>

            <Field label={t('submit.lifeStage')}>
              <EnumSelect
                kind="lifeStage"
                value={form.lifeStage}
                placeholder={t('common.notSpecified')}
                onChange={(v) => set('lifeStage', v)}
                testId="field-life-stage"
              />
            </Field>

            <Field label={t('submit.sex')}>
              <EnumSelect
                kind="sex"
                value={form.sex}
                placeholder={t('common.notSpecified')}
                onChange={(v) => set('sex', v)}
                testId="field-sex"
              />
            </Field>

            <Field label={t('submit.notes')} layout="wide">
              <textarea
                rows={4}
                value={form.notes}
                maxLength={5000}
                onChange={(e) => set('notes', e.target.value)}
                data-testid="field-notes"
              />
            </Field>
          </fieldset>
        </div>

        <div className="submit-bar" ref={resultRef}>
          {progress !== null && !queued && (uploading || (error === null && !cancelled)) && (
            <UploadProgress value={progress} testId="upload-progress" onCancel={uploading ? cancel : undefined} />
          )}
          <ErrorMessage error={error} testId="form-error" />
          {cancelled && (
            <p className="alert alert-info" role="status" data-testid="upload-cancelled">
              {t('upload.cancelled')}
            </p>
          )}
          {created && (
            <div className="alert alert-success" role="status" data-testid="submit-success" data-specimen-id={created.id}>
              <span>{t('submit.success')}</span>{' '}
              <Link to="/specimens/$id" params={{ id: created.id }} data-testid="submit-success-link">
                {t('submit.viewSpecimen')}
              </Link>
            </div>
          )}
          {queued && (
            <div className="alert alert-info" role="status" data-testid="submit-queued">
              <Icon name="cloudOff" /> {t('field.queued')}
            </div>
          )}
          <button type="submit" className="btn btn-primary" disabled={uploading} aria-busy={uploading} data-testid="submit-specimen">
            {uploading ? t('submit.uploading') : t('submit.submit')}
          </button>
        </div>
      </form>
      <OutboxPanel />
    </section>
  );
}
