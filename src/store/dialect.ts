/**
 * Everything that differs between the engines, as data. Code elsewhere asks for a capability,
 * never `if (engine === …)`.
 */
import type { ColumnDataType } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export interface EngineTraits {
  readonly engine: Engine;
  /** Column type of an auto-numbered primary key. */
  readonly serialType: ColumnDataType;
  readonly autoIncrementModifier: boolean;
  /** Integer column wide enough for epoch milliseconds and KB counts. */
  readonly bigIntType: ColumnDataType;
}

export const ENGINE_TRAITS: Readonly<Record<Engine, EngineTraits>> = {
  sqlite: { engine: 'sqlite', serialType: 'integer', autoIncrementModifier: true, bigIntType: 'integer' },
  postgres: { engine: 'postgres', serialType: 'serial', autoIncrementModifier: false, bigIntType: 'bigint' },
};
