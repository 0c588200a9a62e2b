export { Engine, type EngineGenesis, type MarketView } from "./engine.ts";
export {
  CapacityError,
  ENGINE_ERROR_CODES,
  EngineError,
  type EngineErrorCode,
  EngineFaultError,
  isClientError,
  isEngineErrorCode,
  TxRejectedError,
} from "./errors.ts";
export { defaultEngineParams, type EngineParams, type EngineParamsInput, engineParamsSchema, type MarketParams, parseEngineParams } from "./params.ts";
export type * from "./types.ts";
export type { AccountView, PositionView } from "./views.ts";
