// The coordinator's console: reads the admin JSON endpoints of the node that serves it with the token
// the user entered (the read token or the admin token), and resolves transactions with the admin token.
// Text from the server is only ever set as textContent.
'use strict';

const REFRESH_MILLIS = 2000;
let search = '';

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = el('tr');
  cells.forEach(cell => {
    const td = el('td');
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === undefined ? '' : String(cell);
    tr.appendChild(td);
  });
  return tr;
}

function fill(tableId, rows, emptyText, columns) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', emptyText, 'empty');
    td.colSpan = columns;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  rows.forEach(r => body.appendChild(r));
}

function token() {
  return document.getElementById('token').value.trim();
}

async function getJson(path) {
  const headers = token() ? { 'Authorization': 'Bearer ' + token() } : {};
  const response = await fetch(path, { cache: 'no-store', headers: headers });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || (path + ': HTTP ' + response.status));
  return body;
}

function branchList(branches) {
  const list = el('ul', null, 'branches');
  branches.forEach(b => {
    const text = '#' + b.id + ' ' + b.resource + ' (' + b.vote + (b.phaseTwo ? '; ' + b.phaseTwo : '') + ')'
        + (b.phaseTwoFailure ? ' — last failure: ' + b.phaseTwoFailure : '');
    list.appendChild(el('li', text));
  });
  return list;
}

// Messages Kafka refused for good after the commit: while one is not dropped, none of the transaction's is sent.
function publishing(tx) {
  const list = el('ul', null, 'branches');
  (tx.refusedMessages || []).forEach(m => {
    const dropped = m.droppedAtMillis > 0;
    list.appendChild(el('li', (dropped ? 'dropped: ' : 'refused: ') + 'message ' + m.messageId + " for topic '" + m.topic
        + "' — " + m.reason, dropped ? 'dropped' : 'refused'));
  });
  if (tx.publishStuck) list.prepend(el('li', 'stuck: Kafka refused a message, so '
      + (tx.messages === 1 ? 'it is not sent' : 'none of the transaction\'s ' + tx.messages + ' messages is sent')
      + '. Fix the cause and Commit to send again, or drop the refused ones.', 'stuck'));
  return list;
}

function resolveButtons(tx) {
  const span = el('span');
  const actions = [['commit', 'Commit'], ['rollback', 'Roll back']];
  if (tx.publishStuck) actions.push(['drop-refused', 'Drop refused messages']);
  actions.forEach(([outcome, label]) => {
    const button = el('button', label);
    button.type = 'button';
    button.dataset.xid = tx.xid;
    button.dataset.outcome = outcome;
    button.addEventListener('click', () => resolve(tx.xid, outcome));
    span.appendChild(button);
  });
  return span;
}

function age(millis) {
  const seconds = Math.max(0, Math.round((Date.now() - millis) / 1000));
  return seconds < 120 ? seconds + ' s' : Math.round(seconds / 60) + ' min';
}

function showResult(text, ok) {
  const result = document.getElementById('result');
  result.textContent = text;
  result.className = ok ? 'ok' : 'error';
}

async function resolve(xid, outcome) {
  if (!token()) {
    showResult('Resolving ' + xid + ' needs the admin token: enter it under "Token".', false);
    return;
  }
  try {
    const response = await fetch('/transactions/' + encodeURIComponent(xid) + '/resolve', {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + token(), 'Content-Type': 'application/json' },
      body: JSON.stringify(outcome === 'drop-refused' ? { outcome: 'commit', dropRefused: true } : { outcome: outcome })
    });
    const body = await response.json();
    if (response.ok) {
      showResult(xid + ': ' + body.state + ' — ' + body.reason, true);
    } else {
      showResult(body.error + (body.leaderAdmin ? ' (leader admin: ' + body.leaderAdmin + ')' : ''), false);
    }
  } catch (e) {
    showResult('resolve ' + xid + ': ' + e.message, false);
  }
  refresh();
}

function renderCluster(cluster) {
  document.getElementById('node').textContent = cluster.clusterId + ' / node ' + cluster.nodeId + ' (' + cluster.role + ', term ' + cluster.term + ')';
  const leader = document.getElementById('leader');
  leader.replaceChildren();
  if (!cluster.leaderId) {
    leader.textContent = 'No leader known: an election is under way, or a majority is unreachable.';
  } else if (cluster.leaderId === cluster.nodeId) {
    leader.textContent = 'This node (' + cluster.nodeId + ') leads' + (cluster.serving ? ' and serves.' : ' but is not ready yet.');
  } else {
    const lead = cluster.peers.find(p => p.id === cluster.leaderId);
    leader.appendChild(el('span', 'Leader: ' + cluster.leaderId + '. This node shows decided transactions only; live ones are on the leader: '));
    if (lead && lead.adminAddress) {
      const link = el('a', location.protocol + '//' + lead.adminAddress + '/');
      link.href = location.protocol + '//' + lead.adminAddress + '/';
      leader.appendChild(link);
    }
  }
  fill('members', cluster.peers.map(p => row([
    p.id, p.id === cluster.leaderId ? 'leader' : 'member', p.raftAddress, p.clientAddress, p.adminAddress
  ])), 'no members', 5);
}

function renderTransactions(list) {
  const matches = tx => !search || tx.xid.includes(search);
  const live = list.filter(tx => tx.state === 'ACTIVE' && matches(tx));
  const inDoubt = list.filter(tx => tx.inDoubt && matches(tx));
  fill('live', live.map(tx => row([tx.xid, tx.name, tx.app, age(tx.begunAtMillis), branchList(tx.branches), resolveButtons(tx)])),
    search ? 'no live transaction matches ' + search : 'none', 6);
  fill('indoubt', inDoubt.map(tx => row([tx.xid, el('span', tx.state, tx.state), tx.name, tx.app, branchList(tx.branches),
    publishing(tx), resolveButtons(tx)])), search ? 'no in-doubt transaction matches ' + search : 'none', 7);
}

async function renderFound() {
  const found = document.getElementById('found');
  found.replaceChildren();
  if (!search) return;
  try {
    const tx = await getJson('/transactions/' + encodeURIComponent(search));
    found.appendChild(el('p', tx.xid + ': ' + tx.state + (tx.phaseTwoDone ? ', phase 2 done' : '') + (tx.reason ? ' — ' + tx.reason : '')));
  } catch (e) {
    found.appendChild(el('p', e.message));
  }
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    const [cluster, transactions] = await Promise.all([getJson('/cluster'), getJson('/transactions')]);
    renderCluster(cluster);
    renderTransactions(transactions);
    await renderFound();
    status.textContent = 'Updated ' + new Date().toLocaleTimeString() + '.';
  } catch (e) {
    status.textContent = 'Cannot read this node: ' + e.message;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const tokenField = document.getElementById('token');
  tokenField.value = sessionStorage.getItem('entente-admin-token') || '';
  tokenField.addEventListener('change', () => {
    sessionStorage.setItem('entente-admin-token', token());
    refresh();
  });
  document.getElementById('search').addEventListener('submit', event => {
    event.preventDefault();
    search = document.getElementById('xid').value.trim();
    refresh();
  });
  document.getElementById('clear').addEventListener('click', () => {
    search = '';
    document.getElementById('xid').value = '';
    refresh();
  });
  refresh();
  setInterval(refresh, REFRESH_MILLIS);
});
