import { describe, expect, it } from '@jest/globals';
import { parseStrictJsonObject, StrictJsonError, type StrictJsonFault } from './strict-json.js';

/** Asserts `parseStrictJsonObject(text)` throws a {@link StrictJsonError} for `fault`. */
function expectFault(text: string, fault: StrictJsonFault): void {
  let thrown: unknown;
  try {
    parseStrictJsonObject(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StrictJsonError);
  expect((thrown as StrictJsonError).fault).toBe(fault);
  expect((thrown as StrictJsonError).message).toBe(`JSON refused: ${fault}`);
}

describe('parseStrictJsonObject', () => {
  describe('accepts', () => {
    it('a plain object and returns what JSON.parse returns', () => {
      const text = '{"alg":"HS256","typ":"JWT","n":1.5,"b":true,"z":null,"a":[1,"x",{"k":2}],"o":{"p":{}}}';
      expect(parseStrictJsonObject(text)).toEqual(JSON.parse(text));
    });

    it('the empty object, and whitespace around and inside it', () => {
      expect(parseStrictJsonObject('{}')).toEqual({});
      expect(parseStrictJsonObject(' \t\r\n{ "a" \n : \t1 , "b"\r\n:2 } \n')).toEqual({ a: 1, b: 2 });
    });

    it('the same key in different objects and at different depths', () => {
      const text = '{"a":{"a":{"a":1}},"b":{"a":2},"c":[{"a":3},{"a":4}],"d":[[{"a":5}]]}';
      expect(parseStrictJsonObject(text)).toEqual({
        a: { a: { a: 1 } },
        b: { a: 2 },
        c: [{ a: 3 }, { a: 4 }],
        d: [[{ a: 5 }]],
      });
    });

    it('sibling objects in an array that each use the same keys', () => {
      expect(parseStrictJsonObject('{"list":[{"id":1,"v":"x"},{"id":2,"v":"y"}]}')).toEqual({
        list: [
          { id: 1, v: 'x' },
          { id: 2, v: 'y' },
        ],
      });
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      '%p as a value, in an array, and inside string values',
      (name) => {
        const text = `{"k":"${name}","list":["${name}"],"s":"x \\"${name}\\": 1","t":"{\\"${name}\\":1}"}`;
        const parsed = parseStrictJsonObject(text);
        expect(parsed.k).toBe(name);
        expect(parsed.list).toEqual([name]);
        expect(parsed.s).toBe(`x "${name}": 1`);
        expect(parsed.t).toBe(`{"${name}":1}`);
      },
    );

    it('a value string that repeats a key of the same object', () => {
      expect(parseStrictJsonObject('{"a":"a","b":["a","a"]}')).toEqual({ a: 'a', b: ['a', 'a'] });
    });

    it('braces, brackets, colons and quotes inside strings without losing track of the objects', () => {
      const text = '{"a":"}{][:\\"","b":"{\\"a\\":1}","c":"\\\\","d":1}';
      expect(parseStrictJsonObject(text)).toEqual({ a: '}{][:"', b: '{"a":1}', c: '\\', d: 1 });
    });

    it('a key that ends in an escaped backslash', () => {
      expect(parseStrictJsonObject('{"a\\\\":1,"a":2}')).toEqual({ 'a\\': 1, a: 2 });
    });

    it('keys that only differ in case or are close to the forbidden names', () => {
      const text = '{"A":1,"a":2,"Constructor":3,"__proto":4,"proto":5,"prototypes":6,"__proto__ ":7}';
      expect(Object.keys(parseStrictJsonObject(text))).toEqual([
        'A',
        'a',
        'Constructor',
        '__proto',
        'proto',
        'prototypes',
        '__proto__ ',
      ]);
    });

    it('escaped keys that decode to different names', () => {
      expect(parseStrictJsonObject('{"\\u0061":1,"\\u0062":2,"\\n":3,"n":4}')).toEqual({ a: 1, b: 2, '\n': 3, n: 4 });
    });

    it('non-ASCII keys, compared as decoded text', () => {
      expect(parseStrictJsonObject('{"é":1,"e\u0301":2}')).toEqual({ é: 1, 'e\u0301': 2 });
    });
  });

  describe('refuses as syntax', () => {
    it.each([
      ['the empty string', ''],
      ['whitespace only', '   '],
      ['a truncated object', '{"a":1'],
      ['a trailing comma', '{"a":1,}'],
      ['single quotes', "{'a':1}"],
      ['an unquoted key', '{a:1}'],
      ['a comment', '{"a":1 /* c */}'],
      ['two objects', '{"a":1}{"b":2}'],
      ['a leading byte order mark', '\uFEFF{"a":1}'],
      ['NaN', '{"a":NaN}'],
      ['trailing garbage', '{"a":1} x'],
    ])('%s', (_, text) => {
      expectFault(text, 'syntax');
    });
  });

  describe('refuses what is not an object', () => {
    it.each([
      ['an array', '[{"a":1}]'],
      ['an empty array', '[]'],
      ['a string', '"{}"'],
      ['a number', '42'],
      ['true', 'true'],
      ['null', 'null'],
    ])('%s', (_, text) => {
      expectFault(text, 'not-object');
    });
  });

  describe('refuses duplicate keys', () => {
    it.each([
      ['at the top level', '{"a":1,"a":2}'],
      ['with the same value', '{"a":1,"a":1}'],
      ['with other keys between them', '{"a":1,"b":2,"c":3,"a":4}'],
      ['with whitespace before the colon', '{"a" :1, "a"\n:2}'],
      ['in a nested object', '{"o":{"x":1,"x":2}}'],
      ['in an object inside an array', '{"list":[{"x":1},{"y":1,"y":2}]}'],
      ['deep down', '{"a":{"b":[[{"c":{"d":1,"d":2}}]]}}'],
      ['after a nested object that used the same key', '{"a":{"a":1},"a":2}'],
      ['that are empty strings', '{"":1,"":2}'],
      ['written as "a" and "\\u0061"', '{"a":1,"\\u0061":2}'],
      ['written as "\\u0061" and "a"', '{"\\u0061":1,"a":2}'],
      ['both escaped, differently', '{"\\u0061":1,"\\u0041":0,"\\u0061":2}'],
      ['with an escaped quote inside', '{"a\\"b":1,"a\\u0022b":2}'],
      ['with an escaped solidus', '{"a/b":1,"a\\/b":2}'],
      ['as UTF-16 escapes of a non-ASCII character', '{"é":1,"\\u00e9":2}'],
      ['as a surrogate pair, written two ways', '{"\ud83d\ude00":1,"\\ud83d\\ude00":2}'],
      ['in the JOSE header alg', '{"alg":"HS256","alg":"none"}'],
    ])('%s', (_, text) => {
      expectFault(text, 'duplicate-key');
    });

    it('even though JSON.parse alone would silently keep the last value', () => {
      expect(JSON.parse('{"alg":"HS256","alg":"none"}')).toEqual({ alg: 'none' });
      expectFault('{"alg":"HS256","alg":"none"}', 'duplicate-key');
    });
  });

  describe('refuses prototype-touching keys', () => {
    it.each(['__proto__', 'constructor', 'prototype'])('%p at the top level', (name) => {
      expectFault(`{"${name}":{"isAdmin":true}}`, 'forbidden-key');
    });

    it.each(['__proto__', 'constructor', 'prototype'])('%p in a nested object', (name) => {
      expectFault(`{"a":{"b":{"${name}":1}}}`, 'forbidden-key');
    });

    it.each(['__proto__', 'constructor', 'prototype'])('%p in an object inside an array', (name) => {
      expectFault(`{"a":[1,[{"ok":1},{"${name}":1}]]}`, 'forbidden-key');
    });

    it.each([
      ['"__proto__" with an escaped underscore', '{"\\u005f_proto__":{}}'],
      ['"__proto__" fully escaped', '{"\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f":{}}'],
      ['"constructor" with an escaped letter', '{"constru\\u0063tor":{}}'],
      ['"prototype" with an escaped letter', '{"\\u0070rototype":1}'],
    ])('%s', (_, text) => {
      expectFault(text, 'forbidden-key');
    });

    it('whatever the value, null included', () => {
      expectFault('{"__proto__":null}', 'forbidden-key');
      expectFault('{"constructor":"x"}', 'forbidden-key');
    });

    it('after other valid keys', () => {
      expectFault('{"sub":"alice","exp":1,"__proto__":{"admin":true}}', 'forbidden-key');
    });
  });
  describe('I-JSON (RFC 7493 section 2.1): accepts well-formed Unicode', () => {
    it.each([
      ['an emoji escaped as a surrogate pair', '{"a":"\\ud83d\\ude00"}', { a: '\u{1F600}' }],
      ['a surrogate pair escaped in upper case', '{"a":"\\uD83D\\uDE00"}', { a: '\u{1F600}' }],
      ['an emoji written raw', '{"a":"\u{1F600}"}', { a: '\u{1F600}' }],
      ['an escaped surrogate pair in a key', '{"\\ud83d\\ude00":1}', { '\u{1F600}': 1 }],
      ['a high-surrogate escape followed by a raw low surrogate', '{"a":"\\ud83d\ude00"}', { a: '\u{1F600}' }],
      ['pairs next to each other', '{"a":"\\ud83d\\ude00\\ud83d\\ude01x"}', { a: '\u{1F600}\u{1F601}x' }],
      ['the code points around the surrogates', '{"a":"\\ud7ff\\ue000\\uffff"}', { a: '\ud7ff\ue000\uffff' }],
      ['an escaped backslash before "ud800" (no escape)', '{"a":"\\\\ud800"}', { a: '\\ud800' }],
      ['non-ASCII letters', '{"sub":"José Ærøskøbing 山田"}', { sub: 'José Ærøskøbing 山田' }],
    ])('%s', (_, text, expected) => {
      expect(parseStrictJsonObject(text)).toEqual(expected);
    });
  });

  describe('I-JSON (RFC 7493 section 2.1): refuses a lone surrogate', () => {
    it.each([
      ['a lone high surrogate escaped as a value', '{"a":"\\ud800"}'],
      ['a lone high surrogate in upper case', '{"a":"\\uDBFF"}'],
      ['a lone low surrogate', '{"a":"\\udc00"}'],
      ['a lone low surrogate at the end of the range', '{"a":"\\udfff"}'],
      ['a pair in the wrong order', '{"a":"\\ude00\\ud83d"}'],
      ['two high surrogates', '{"a":"\\ud800\\ud800"}'],
      ['a high surrogate before a plain letter', '{"a":"\\ud800a"}'],
      ['a high surrogate at the end of a longer string', '{"a":"text\\ud800"}'],
      ['a low surrogate after a complete pair', '{"a":"\\ud83d\\ude00\\ude00"}'],
      ['a lone surrogate in a key', '{"\\ud800":1}'],
      ['a lone surrogate in the key of a nested object', '{"o":{"k\\udc00":1}}'],
      ['a lone surrogate in an array', '{"list":["ok",["\\ud800"]]}'],
      ['a lone surrogate in a string inside an object inside an array', '{"list":[{"k":"\\udbff"}]}'],
      ['a raw lone surrogate in the text', '{"a":"\ud800"}'],
      ['a raw lone surrogate in a key', '{"\udc00":1}'],
    ])('%s', (_, text) => {
      expectFault(text, 'lone-surrogate');
    });

    it('even though JSON.parse alone reads it', () => {
      expect(JSON.parse('{"a":"\\ud800"}')).toEqual({ a: '\ud800' });
      expectFault('{"a":"\\ud800"}', 'lone-surrogate');
    });
  });

  describe('I-JSON (RFC 7493 section 2.2): numbers', () => {
    it.each([
      ['the largest double', '{"n":1.7976931348623157e308}', 1.7976931348623157e308],
      ['the most negative double', '{"n":-1.7976931348623157e308}', -1.7976931348623157e308],
      ['1e308', '{"n":1e308}', 1e308],
      ['2^53 + 1 (a double, rounded)', '{"n":9007199254740993}', 2 ** 53],
      ['the smallest denormal', '{"n":5e-324}', 5e-324],
      ['an underflow to zero', '{"n":1e-999999}', 0],
      ['an exponent with a plus sign', '{"n":1E+300}', 1e300],
    ])('accepts %s', (_, text, expected) => {
      expect(parseStrictJsonObject(text).n).toBe(expected);
    });

    it.each([
      ['1e999999', '{"n":1e999999}'],
      ['-1e999999', '{"n":-1e999999}'],
      ['1e309', '{"n":1e309}'],
      ['2e308', '{"n":2E+308}'],
      ['309 digits', `{"n":${'9'.repeat(309)}}`],
      ['in a nested object', '{"o":{"p":{"n":1e400}}}'],
      ['in an array', '{"list":[1,2,[3,1e400]]}'],
      ['next to a forbidden-looking but allowed key', '{"k":"constructor","exp":1e999999}'],
    ])('refuses %s (Infinity once parsed)', (_, text) => {
      expectFault(text, 'number-out-of-range');
    });

    it('even though JSON.parse alone reads Infinity', () => {
      expect(JSON.parse('{"exp":1e999999}')).toEqual({ exp: Infinity });
      expectFault('{"exp":1e999999}', 'number-out-of-range');
    });
  });
});
