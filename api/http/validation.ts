import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { refuseUnstorableText } from '../domain/text.js';
import { withContractFormats } from './formats.js';

/**
 * Query strings and path parameters arrive as text and are coerced to the schema's types;
 * JSON bodies are validated strictly, so `null` stays null and `"5"` is not a number.
 * Before either, text no database can store (NUL, unpaired surrogates) is refused as `invalid_text`, whatever the schema.
 */
export function installValidation(app: FastifyInstance): void {
  const common: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };
  const coercing = withContractFormats(addFormats.default(new Ajv({ ...common, coerceTypes: 'array' })));
  const strict = withContractFormats(addFormats.default(new Ajv({ ...common, coerceTypes: false })));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  app.addHook('preValidation', async (request: FastifyRequest) => {
    refuseUnstorableText(request.params, 'params');
    refuseUnstorableText(request.query, 'querystring');
    refuseUnstorableText(request.body, 'body');
  });
}
