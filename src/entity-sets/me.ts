import type { EntitySetDefinition } from './model';

/** The signed-in user (`GET /2.0/user`), an OData singleton. */
export const me: EntitySetDefinition = {
  name: 'Me',
  typeName: 'User',
  description: 'The signed-in Bitbucket user.',
  key: ['Uuid'],
  singleton: true,
  properties: [
    { name: 'Uuid', type: 'Edm.String', nullable: false, source: 'uuid', description: 'User UUID in braces.' },
    { name: 'AccountId', type: 'Edm.String', nullable: true, source: 'account_id', description: 'Atlassian account ID.' },
    { name: 'DisplayName', type: 'Edm.String', nullable: false, source: 'display_name', description: 'Display name.' },
    { name: 'Nickname', type: 'Edm.String', nullable: true, source: 'nickname', description: 'Nickname.' },
    { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: true, source: 'created_on', description: 'When the account was created.' },
  ],
  get: { path: '/user', params: [] },
};
