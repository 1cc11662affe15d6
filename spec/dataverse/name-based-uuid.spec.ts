import { asGuid, nameBasedUuid } from '../../src/dataverse/name-based-uuid';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('nameBasedUuid (RFC 9562 §5.5, version 5)', () => {
  test("the RFC's example: www.example.com in the DNS namespace (RFC 9562 Appendix A.4)", () => {
    expect(nameBasedUuid(DNS_NAMESPACE, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  test.each([['a'], [''], ["PullRequests(Workspace='it''s',RepositorySlug='ü',Id=1)"], ['/'.repeat(1000)]])('%j: version 5, variant 10, deterministic', (name) => {
    const uuid = nameBasedUuid(DNS_NAMESPACE, name);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid(DNS_NAMESPACE, name)).toBe(uuid);
  });

  test('different names, different UUIDs', () => {
    expect(nameBasedUuid(DNS_NAMESPACE, 'a')).not.toBe(nameBasedUuid(DNS_NAMESPACE, 'b'));
  });
});

describe('asGuid', () => {
  test.each([
    ['{4B605A7A-8E29-4171-A6E3-99EDEAFB16FC}', '4b605a7a-8e29-4171-a6e3-99edeafb16fc'],
    ['4b605a7a-8e29-4171-a6e3-99edeafb16fc', '4b605a7a-8e29-4171-a6e3-99edeafb16fc'],
    ['{not-a-uuid}', undefined],
    ['', undefined],
  ])('%j → %j', (text, guid) => {
    expect(asGuid(text)).toBe(guid);
  });
});
