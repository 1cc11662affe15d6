import { readErrorBody } from '../../src/bitbucket/error-envelope';

describe('readErrorBody', () => {
  it.each<[string, string | undefined, string, ReturnType<typeof readErrorBody>]>([
    ['message only', 'application/json', '{"type":"error","error":{"message":"Invalid pagelen"}}', { upstreamMessage: 'Invalid pagelen' }],
    [
      'message, detail and fields',
      'application/json',
      '{"type":"error","error":{"message":"Bad request","detail":"You must specify a valid source branch","fields":{"source":["This field is required."],"title":"Too long"}}}',
      { upstreamMessage: 'Bad request: You must specify a valid source branch', fields: { source: ['This field is required.'], title: ['Too long'] } },
    ],
    ['410 with a top-level data block', 'application/json', '{"type":"error","error":{"message":"CHANGE-2770 - Functionality has been deprecated","data":{}},"data":{}}', { upstreamMessage: 'CHANGE-2770 - Functionality has been deprecated' }],
    ['ER-02: 403 with an object detail naming scopes', 'application/json', '{"type":"error","error":{"message":"Your credentials lack one or more required privilege scopes.","detail":{"required":["pullrequest"],"granted":["repository"]}}}', { upstreamMessage: 'Your credentials lack one or more required privilege scopes.: Required scopes: pullrequest. Granted: repository.', scopes: { required: ['pullrequest'], granted: ['repository'] } }],
    ['403 with an object detail naming required scopes only', 'application/json', '{"type":"error","error":{"message":"Forbidden","detail":{"required":["pipeline", 7]}}}', { upstreamMessage: 'Forbidden: Required scopes: pipeline.', scopes: { required: ['pipeline'], granted: [] } }],
    ['403 with an object detail giving a reason', 'application/json', '{"type":"error","error":{"message":"Forbidden","detail":{"reason":"The project is not empty."}}}', { upstreamMessage: 'Forbidden: The project is not empty.' }],
    ['text/plain 429', 'text/plain; charset=utf-8', 'Rate limit for this resource has been exceeded\n', { upstreamMessage: 'Rate limit for this resource has been exceeded' }],
    ['an HTML page from a proxy', 'text/html', '<html><body>502 Bad Gateway</body></html>', {}],
    ['truncated JSON', 'application/json', '{"type":"error","error":{"mess', {}],
    ['JSON that is not the envelope', 'application/json', '["error"]', {}],
    ['empty body', undefined, '', {}],
  ])('%s', (_name, contentType, body, expected) => {
    expect(readErrorBody(contentType, Buffer.from(body))).toEqual(expected);
  });

  it('clips long messages', () => {
    const long = 'x'.repeat(2000);
    expect(readErrorBody('text/plain', Buffer.from(long)).upstreamMessage).toHaveLength(501);
  });
});
