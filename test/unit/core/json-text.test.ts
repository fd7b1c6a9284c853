/** Duplicate member names and nesting, found on the raw text (issue #12 §11). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonTextProblem, STRICT_UTF8 } from '../../../core/json-text.ts';

describe('jsonTextProblem', () => {
  it('refuses a member name used twice in one object, however it is spelled', () => {
    assert.match(jsonTextProblem('{"a":1,"a":2}') ?? '', /"a" appears twice/);
    assert.match(jsonTextProblem('{"a":1,"\\u0061":2}') ?? '', /"a" appears twice/);
    assert.match(jsonTextProblem('{"x":{"b":[1,{"c":1,"c":1}]}}') ?? '', /"c" appears twice/);
    assert.match(jsonTextProblem(' { "a" : 1 , "a" : 1 } ') ?? '', /"a" appears twice/);
  });

  it('accepts the same name in different objects, and names inside strings and arrays', () => {
    assert.equal(jsonTextProblem('{"a":{"a":1},"b":[{"a":1},{"a":2}]}'), undefined);
    assert.equal(jsonTextProblem('{"a":"\\"a\\":1,","b":["a","a"]}'), undefined);
    assert.equal(jsonTextProblem('["a","a",{"a":1}]'), undefined);
    assert.equal(jsonTextProblem('{"a\\\\":1,"a":2}'), undefined, 'a\\ and a are two names');
  });

  it('leaves malformed text to the parser', () => {
    assert.equal(jsonTextProblem('{"a":'), undefined);
    assert.equal(jsonTextProblem('{"\\x":1,"\\x":2}'), undefined);
  });

  it('the strict decoder refuses bytes that are not UTF-8', () => {
    assert.throws(() => STRICT_UTF8.decode(Buffer.from([0x7b, 0xff, 0x7d])));
    assert.throws(() => STRICT_UTF8.decode(Buffer.from([0xed, 0xa0, 0x80])), 'an encoded surrogate');
    assert.equal(STRICT_UTF8.decode(Buffer.from('{"a":"é"}')), '{"a":"é"}');
  });
});
