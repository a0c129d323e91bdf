/**
 * RFC 9457 problem answers: `{type, title, status, detail, code, result, field?}`, where code and
 * result are the ResultCode's name and number (edge problems such as MalformedJson have result
 * 0). An UnexpectedError says nothing but the request id.
 */
import { EDGE_PROBLEMS, PROBLEM_STATUS, REST_BASE_PATH, type EdgeProblemCode } from '../contract/json-routes.js';
import { RESULT_CODES, type ResultCodeName } from '../contract/result-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly result: number;
  readonly field?: string;
  readonly requestId?: string;
}

const MEANING: ReadonlyMap<string, { readonly code: number; readonly meaning: string }> = new Map(RESULT_CODES.map((c) => [c.name, { code: c.code, meaning: c.meaning }]));

/** The docs page's anchor for each code: a stable, resolvable `type`. */
const typeOf = (code: string): string => `${REST_BASE_PATH}/docs#problem-${code}`;

export function resultProblem(code: Exclude<ResultCodeName, 'Success'>, detail: string, field?: string): Problem {
  const known = MEANING.get(code);
  const title = known?.meaning ?? code;
  return { type: typeOf(code), title, status: PROBLEM_STATUS[code], detail: detail === '' ? title : detail, code, result: known?.code ?? 0, ...(field === undefined ? {} : { field }) };
}

export function edgeProblem(code: EdgeProblemCode, detail?: string, field?: string): Problem {
  const { status, title } = EDGE_PROBLEMS[code];
  return { type: typeOf(code), title, status, detail: detail ?? title, code, result: 0, ...(field === undefined ? {} : { field }) };
}

export function invalidInput(field: string, detail: string): Problem {
  return resultProblem('InvalidInputParameters', detail, field);
}

/** Nothing of what went wrong: the operator finds it in the log by the request id. */
export function unexpectedProblem(requestId: string): Problem {
  return { ...resultProblem('UnexpectedError', `An unexpected error occurred; nothing was changed. Quote request id ${requestId} to the operator.`), requestId };
}
