// The administrator's view: users and their permissions, and the forms that change them.
// Only an administrator's console has it (the API refuses these routes to anyone else).
import { get, request, seg } from './api.js';
import { showError } from './errors.js';
import { el } from './format.js';
import { handle } from './forms.js';

function table(label, columns, rows) {
  return el('table', { className: 'data' }, el('caption', {}, label),
    el('thead', {}, el('tr', {}, ...columns.map(([name]) => el('th', { scope: 'col' }, name)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...columns.map(([, value]) => el('td', {}, value(row)))))));
}

export function usersView(vhost) {
  const byId = (id) => document.getElementById(id);

  async function load() {
    try {
      const [users, permissions] = await Promise.all([get('/users'), get('/permissions')]);
      byId('users-list').replaceChildren(table('Users', [
        ['Name', (u) => u.name], ['Tags', (u) => [].concat(u.tags ?? []).join(', ')],
      ], users));
      byId('permissions-list').replaceChildren(table('Permissions', [
        ['User', (p) => p.user], ['Virtual host', (p) => p.vhost], ['Configure', (p) => p.configure],
        ['Write', (p) => p.write], ['Read', (p) => p.read],
      ], permissions));
    } catch (e) {
      showError('Loading the users failed', e);
    }
  }

  const value = (form, name) => form.elements[name].value.trim();

  const putUser = byId('put-user');
  handle(putUser, 'Saving the user failed', async () => {
    const name = value(putUser, 'name');
    const body = { tags: value(putUser, 'tags') };
    const password = putUser.elements.password.value;
    if (password) body.password = password;
    const { status } = await request('PUT', `/users/${seg(name)}`, body);
    putUser.elements.password.value = '';
    return status === 201 ? `User ${name} added.` : `User ${name} updated.`;
  }, load);

  const putPermission = byId('put-permission');
  handle(putPermission, 'Setting the permissions failed', async () => {
    const user = value(putPermission, 'user');
    await request('PUT', `/permissions/${seg(vhost())}/${seg(user)}`, {
      configure: value(putPermission, 'configure'), write: value(putPermission, 'write'),
      read: value(putPermission, 'read'),
    });
    return `Permissions of ${user} in ${vhost()} set.`;
  }, load);

  const deleteUser = byId('delete-user');
  handle(deleteUser, 'Deleting the user failed', async () => {
    const name = value(deleteUser, 'name');
    await request('DELETE', `/users/${seg(name)}`);
    return `User ${name} deleted.`;
  }, load);

  return { load, refresh: load };
}
