import { describe, expect, it } from 'vitest';
import { modelIdCandidates } from '../../src/core/modelIds.js';

describe('modelIdCandidates', () => {
  it('returns a plain id as it is', () => {
    expect(modelIdCandidates('claude-opus-4-6')).toEqual(['claude-opus-4-6']);
  });

  it('ignores case and surrounding whitespace', () => {
    expect(modelIdCandidates('  CLAUDE-Sonnet-4-5\t')).toEqual(['claude-sonnet-4-5']);
  });

  it('returns nothing for an empty string', () => {
    expect(modelIdCandidates('   ')).toEqual([]);
  });

  it('strips LiteLLM provider prefixes, keeping the raw form first', () => {
    expect(modelIdCandidates('anthropic/claude-sonnet-4-5')).toEqual([
      'anthropic/claude-sonnet-4-5',
      'claude-sonnet-4-5',
    ]);
    expect(modelIdCandidates('vertex_ai/claude-opus-4-6')).toEqual(['vertex_ai/claude-opus-4-6', 'claude-opus-4-6']);
  });

  it('reads Bedrock ids: anthropic. prefix, version suffix, then the dateless family', () => {
    expect(modelIdCandidates('anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual([
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-5',
    ]);
  });

  it('reads Bedrock cross-region inference profiles', () => {
    for (const region of ['us', 'eu', 'apac', 'global', 'jp', 'au', 'us-gov']) {
      expect(modelIdCandidates(`${region}.anthropic.claude-opus-4-6-v1`)).toContain('claude-opus-4-6');
    }
  });

  it('reads LiteLLM + Bedrock combinations', () => {
    expect(modelIdCandidates('bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual([
      'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0',
      'us.anthropic.claude-3-5-haiku-20241022-v1:0',
      'claude-3-5-haiku-20241022-v1:0',
      'claude-3-5-haiku-20241022',
      'claude-3-5-haiku',
    ]);
  });

  it('reads Bedrock ARNs and provisioned-throughput variants', () => {
    expect(
      modelIdCandidates('arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-opus-4-6-v1'),
    ).toContain('claude-opus-4-6');
    expect(modelIdCandidates('anthropic.claude-3-sonnet-20240229-v1:0:200k')).toContain('claude-3-sonnet-20240229');
  });

  it('keeps legacy Bedrock names mappable instead of shrinking them to "claude"', () => {
    expect(modelIdCandidates('anthropic.claude-v2:1')).toEqual(['anthropic.claude-v2:1', 'claude-v2:1']);
    expect(modelIdCandidates('anthropic.claude-v2')).toEqual(['anthropic.claude-v2', 'claude-v2']);
    expect(modelIdCandidates('anthropic.claude-instant-v1')).toContain('claude-instant-v1');
  });

  it('turns a Vertex @date into the dated id', () => {
    expect(modelIdCandidates('claude-sonnet-4-5@20250929')).toEqual([
      'claude-sonnet-4-5@20250929',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-5',
    ]);
  });

  it('turns Vertex @latest and @default into the family id', () => {
    expect(modelIdCandidates('claude-3-5-sonnet@latest')).toEqual([
      'claude-3-5-sonnet@latest',
      'claude-3-5-sonnet-latest',
      'claude-3-5-sonnet',
    ]);
    expect(modelIdCandidates('claude-3-opus@default')).toEqual(['claude-3-opus@default', 'claude-3-opus']);
  });

  it('falls back from -latest and from an unknown snapshot date to the dateless id', () => {
    expect(modelIdCandidates('claude-3-5-haiku-latest')).toEqual(['claude-3-5-haiku-latest', 'claude-3-5-haiku']);
    expect(modelIdCandidates('claude-opus-4-6-20260205')).toEqual(['claude-opus-4-6-20260205', 'claude-opus-4-6']);
  });

  it('reads dotted versions after the form as written', () => {
    expect(modelIdCandidates('anthropic/claude-sonnet-4.5')).toEqual([
      'anthropic/claude-sonnet-4.5',
      'claude-sonnet-4.5',
      'claude-sonnet-4-5',
    ]);
    expect(modelIdCandidates('claude-2.1')[0]).toBe('claude-2.1');
  });

  it('does not strip a -fast suffix (fast mode has its own, higher price)', () => {
    expect(modelIdCandidates('claude-opus-4-6-fast')).toEqual(['claude-opus-4-6-fast']);
  });
});
