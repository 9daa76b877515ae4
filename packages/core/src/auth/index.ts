/**
 * Who is calling: JWT verification with jose, for the `$connect` authorizer and
 * the `authenticate` action.
 * @module
 */
export * from "./tokens";
