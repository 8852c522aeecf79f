/** A JSON value as it travels through the API, the database and step outputs. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** A shared param or op_kwarg value: the job document keeps these flat. */
export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;
