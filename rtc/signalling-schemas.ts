import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { MEDIA_SOURCES } from './permissions.js';

// mediasoup validates the WebRTC parameter objects itself; these schemas check the shape signalling relies on.
const Id = Type.String({ minLength: 1, maxLength: 64 });
const AnyObject = Type.Object({}, { additionalProperties: true });
const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const Point = Type.Tuple([Type.Number({ minimum: 0, maximum: 1 }), Type.Number({ minimum: 0, maximum: 1 })]);

/** Client → server requests: name → payload schema. Every request is answered through the socket.io ack. */
export const RequestSchemas = {
  routerRtpCapabilities: Type.Object({}),
  join: Type.Object({ rtpCapabilities: AnyObject }),
  createTransport: Type.Object({ direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) }),
  connectTransport: Type.Object({ transportId: Id, dtlsParameters: AnyObject }),
  restartIce: Type.Object({ transportId: Id }),
  produce: Type.Object({
    transportId: Id,
    kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
    source: Type.Union(MEDIA_SOURCES.map((source) => Type.Literal(source))),
    rtpParameters: AnyObject,
  }),
  closeProducer: Type.Object({ producerId: Id }),
  setProducerPaused: Type.Object({ producerId: Id, paused: Type.Boolean() }),
  consume: Type.Object({ producerId: Id }),
  resumeConsumer: Type.Object({ consumerId: Id }),
  setConsumerLayers: Type.Object({ consumerId: Id, spatialLayer: Type.Integer({ minimum: 0, maximum: 4 }), temporalLayer: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })) }),
  consumerStats: Type.Object({ consumerId: Id }),
  raiseHand: Type.Object({ raised: Type.Boolean() }),
  grantMicrophone: Type.Object({ peerId: Id, seconds: Type.Integer({ minimum: 0, maximum: 3600 }) }),
  mute: Type.Object({ peerId: Id }),
  remove: Type.Object({ peerId: Id }),
  end: Type.Object({}),
  chat: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }),
  /** Shapes on the shared still, in coordinates relative to the image (0–1), so every screen size agrees. */
  annotate: Type.Object({
    shape: Type.Union([Type.Literal('arrow'), Type.Literal('circle'), Type.Literal('freehand'), Type.Literal('text')]),
    points: Type.Array(Point, { minItems: 1, maxItems: 2000 }),
    colour: Colour,
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  }),
  clearAnnotations: Type.Object({}),
  /** The still everybody sees sharp: an image of the specimen, by its id in the API's image store. */
  shareStill: Type.Object({ imageId: Id }),
} satisfies Record<string, TSchema>;

export type RequestName = keyof typeof RequestSchemas;
export type RequestPayload<Name extends RequestName> = Static<(typeof RequestSchemas)[Name]>;

const validators = Object.fromEntries(Object.entries(RequestSchemas).map(([name, schema]) => [name, Compile(schema)])) as {
  [Name in RequestName]: ReturnType<typeof Compile<(typeof RequestSchemas)[Name]>>;
};

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(RequestSchemas, name);
}

/** The payload, or a sentence naming what is wrong with it. */
export function parseRequest<Name extends RequestName>(name: Name, payload: unknown): { ok: true; value: RequestPayload<Name> } | { ok: false; problem: string } {
  const validator = validators[name];
  if (validator.Check(payload)) return { ok: true, value: payload as RequestPayload<Name> };
  const [first] = [...validator.Errors(payload)];
  return { ok: false, problem: `invalid ${name} request: ${first ? `${first.instancePath || '(root)'} ${first.message}` : 'wrong shape'}` };
}
