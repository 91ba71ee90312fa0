import { describe, expect, it } from '@jest/globals';
import { InvalidAuthOptionError } from '../errors/invalid-auth-option.error.js';
import { thrownBy } from '../testing/thrown-by.js';
import {
  booleanOption,
  httpHeaderName,
  nestedOptions,
  nonEmptyString,
  optionalFunction,
  positiveLifetime,
  wholeNumber,
} from './option-checks.js';

const refusal = (fn: () => unknown) => {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(InvalidAuthOptionError);
  return (error as InvalidAuthOptionError).message;
};

describe('option checks', () => {
  it('return the value that passes', () => {
    expect(wholeNumber(5, 'n', 0)).toBe(5);
    expect(booleanOption(false, 'b')).toBe(false);
    expect(nonEmptyString('x', 's')).toBe('x');
    expect(httpHeaderName('X-Token', 'h')).toBe('X-Token');
    expect(positiveLifetime('15m', 'l')).toBe(900);
    expect(nestedOptions('cookies', undefined, ['a'])).toEqual({});
    expect(optionalFunction(undefined, 'f')).toBeUndefined();
  });

  it('name the option and what it must be', () => {
    expect(refusal(() => wholeNumber(1.5, 'leeway', 0, 300))).toMatch(
      /"leeway" must be a whole number from 0 to 300 \(got 1.5\)$/,
    );
    expect(refusal(() => wholeNumber(-1, 'n', 0))).toMatch(/must be a whole number >= 0 \(got -1\)$/);
    expect(refusal(() => httpHeaderName('a b', 'headerName'))).toMatch(/must be a valid HTTP header name$/);
    expect(refusal(() => positiveLifetime(false, 'cookies.maxAge'))).toMatch(/must be a positive duration$/);
    expect(refusal(() => optionalFunction(1, 'onEvent'))).toMatch(/"onEvent" must be a function$/);
    expect(refusal(() => nestedOptions('json', [], ['accessKey']))).toMatch(/"json" must be an object$/);
    expect(refusal(() => nestedOptions('json', { acessKey: 'a' }, ['accessKey']))).toMatch(/did you mean/);
  });

  it('quote the value given to a switch, except where the message never did', () => {
    expect(refusal(() => booleanOption('yes', 'rotateRefreshTokens'))).toMatch(/must be true or false \(got yes\)$/);
    expect(refusal(() => booleanOption('yes', 'cookies.secure', { echo: false }))).toMatch(/must be true or false$/);
  });
});
