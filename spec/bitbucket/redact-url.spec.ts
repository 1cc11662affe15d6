import { redactUrl } from '../../src/bitbucket/redact-url';

describe('redactUrl', () => {
  it.each<[string, string]>([
    ['https://api.bitbucket.org/2.0/repositories/acme?q=a%20b', 'https://api.bitbucket.org/2.0/repositories/acme?q=a%20b'],
    ['https://user:s3cret@api.bitbucket.org/2.0/user', 'https://api.bitbucket.org/2.0/user'],
    ['https://user:p@ss@api.bitbucket.org/2.0/user', 'https://api.bitbucket.org/2.0/user'],
    ['https://api.bitbucket.org/2.0/user?access_token=s3cret', 'https://api.bitbucket.org/2.0/user?access_token=REDACTED'],
    ['https://api.bitbucket.org/2.0/x?page=2&ACCESS_TOKEN=s3cret&fields=%2Bvalues.a#frag', 'https://api.bitbucket.org/2.0/x?page=2&ACCESS_TOKEN=REDACTED&fields=%2Bvalues.a#frag'],
    ['https://api.bitbucket.org/2.0/x?access%5Ftoken=s3cret', 'https://api.bitbucket.org/2.0/x?access%5Ftoken=REDACTED'],
    ['https://api.bitbucket.org/2.0/x?a=1&%61ccess_TOKEN=s3cret&access_token', 'https://api.bitbucket.org/2.0/x?a=1&%61ccess_TOKEN=REDACTED&access_token=REDACTED'],
    ['https://api.bitbucket.org/2.0/x?access+token=1&access_token_x=2', 'https://api.bitbucket.org/2.0/x?access+token=1&access_token_x=2'],
    ['https://api.bitbucket.org/2.0/x?q=%E0%A4%A', 'https://api.bitbucket.org/2.0/x?q=%E0%A4%A'],
    ['https://api.bitbucket.org/2.0/a@b?x=1', 'https://api.bitbucket.org/2.0/a@b?x=1'],
    // A long query naming no secret is kept whole, escapes in values and all; a name with an escape is decoded to check.
    ['https://api.bitbucket.org/2.0/x?pagelen=50&fields=next%2Cvalues.id%2Bx&state=OPEN', 'https://api.bitbucket.org/2.0/x?pagelen=50&fields=next%2Cvalues.id%2Bx&state=OPEN'],
    ['https://api.bitbucket.org/2.0/x?pagelen=50&%61ccess%5Ftoken=s3cret&fields=a%2Cb', 'https://api.bitbucket.org/2.0/x?pagelen=50&%61ccess%5Ftoken=REDACTED&fields=a%2Cb'],
    ['https://api.bitbucket.org/2.0/x?fields=a%2Cb&%61ccess_token', 'https://api.bitbucket.org/2.0/x?fields=a%2Cb&%61ccess_token=REDACTED'],
    ['https://api.bitbucket.org/2.0/x?fields=a%2Cb&x=access_token', 'https://api.bitbucket.org/2.0/x?fields=a%2Cb&x=access_token'],
    ['https://api.bitbucket.org/2.0/x?access_token&x=a=b#access_token=f', 'https://api.bitbucket.org/2.0/x?access_token=REDACTED&x=a=b#access_token=f'],
    ['https://api.bitbucket.org/2.0/x?&&x=1&#access_token=f', 'https://api.bitbucket.org/2.0/x?&&x=1&#access_token=f'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
