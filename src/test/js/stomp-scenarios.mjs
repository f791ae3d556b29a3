// STOMP scenarios against a running Junction with stock @stomp/stompjs; SCENARIO picks one.
// Prints one JSON line with what it observed; the Java IT asserts on it.
import { connect, publishConfirmed, subscribeConfirmed, until, sleep, run } from './stomp-lib.mjs';

const scenarios = {
  async receipts() {
    const c = await connect();
    const n = 100;
    const confirmed = [];
    for (let i = 0; i < n; i++) {
      confirmed.push(publishConfirmed(c, { destination: '/queue/js-receipts', body: 'm' + i,
        headers: { persistent: 'true' } }));
    }
    await Promise.all(confirmed);
    const got = [];
    c.subscribe('/queue/js-receipts', (m) => got.push(m.body));
    await until(() => got.length === n, 10000, 'messages');
    await c.deactivate();
    return { receipts: n, received: got.length, inOrder: got.every((b, i) => b === 'm' + i) };
  },

  async ackModes() {
    const result = {};
    for (const mode of ['auto', 'client', 'client-individual']) {
      const c = await connect();
      const dest = '/queue/js-ack-' + mode;
      for (let i = 0; i < 10; i++) {
        await publishConfirmed(c, { destination: dest, body: String(i) });
      }
      const got = [];
      await subscribeConfirmed(c, dest, (m) => {
        got.push(m);
        if (mode === 'client-individual') {
          m.ack();
        } else if (mode === 'client' && got.length === 10) {
          m.ack(); // cumulative: settles all ten
        }
      }, { ack: mode });
      await until(() => got.length === 10, 10000, mode + ' messages');
      // A receipt on a later frame proves the acks before it were handled.
      await publishConfirmed(c, { destination: '/queue/js-ack-sync', body: 'x' });
      result[mode] = { received: got.length, ackHeader: got[0].headers.ack !== undefined };
      await c.deactivate();
    }
    return result;
  },

  async nack() {
    const c = await connect();
    await publishConfirmed(c, { destination: '/queue/js-nack', body: 'again' });
    const seen = [];
    await subscribeConfirmed(c, '/queue/js-nack', (m) => {
      seen.push(m.headers.redelivered);
      if (seen.length === 1) {
        m.nack();
      } else {
        m.ack();
      }
    }, { ack: 'client-individual' });
    await until(() => seen.length === 2, 10000, 'redelivery');
    await publishConfirmed(c, { destination: '/queue/js-ack-sync', body: 'x' });
    await c.deactivate();
    return { redelivered: seen };
  },

  async roundRobin() {
    const a = await connect();
    const b = await connect();
    const counts = { a: 0, b: 0 };
    const consumer = (name) => (m) => {
      counts[name]++;
      setTimeout(() => m.ack(), 5);
    };
    await subscribeConfirmed(a, '/queue/js-rr', consumer('a'), { ack: 'client-individual', 'prefetch-count': '1' });
    await subscribeConfirmed(b, '/queue/js-rr', consumer('b'), { ack: 'client-individual', 'prefetch-count': '1' });
    const p = await connect();
    for (let i = 0; i < 20; i++) {
      await publishConfirmed(p, { destination: '/queue/js-rr', body: String(i) });
    }
    await until(() => counts.a + counts.b === 20, 10000, 'all 20');
    await sleep(50);
    await Promise.all([a.deactivate(), b.deactivate(), p.deactivate()]);
    return counts;
  },

  async transactions() {
    const c = await connect();
    const got = [];
    await subscribeConfirmed(c, '/queue/js-tx', (m) => got.push(m.body));
    const tx = c.begin();
    for (let i = 0; i < 3; i++) {
      c.publish({ destination: '/queue/js-tx', body: 'c' + i, headers: { transaction: tx.id } });
    }
    await publishConfirmed(c, { destination: '/queue/js-ack-sync', body: 'x' });
    await sleep(200);
    const beforeCommit = got.length;
    tx.commit();
    await until(() => got.length === 3, 10000, 'committed messages');
    const aborted = c.begin();
    c.publish({ destination: '/queue/js-tx', body: 'aborted', headers: { transaction: aborted.id } });
    aborted.abort();
    await publishConfirmed(c, { destination: '/queue/js-tx', body: 'after' });
    await until(() => got.length === 4, 10000, 'the message after the abort');
    // ACKs in a transaction take effect at COMMIT.
    await publishConfirmed(c, { destination: '/queue/js-tx-ack', body: 'settle me' });
    const held = [];
    await subscribeConfirmed(c, '/queue/js-tx-ack', (m) => held.push(m), { ack: 'client-individual' });
    await until(() => held.length === 1, 10000, 'the message to ack');
    const ackTx = c.begin();
    held[0].ack({ transaction: ackTx.id });
    await publishConfirmed(c, { destination: '/queue/js-ack-sync', body: 'x' });
    const result = { beforeCommit, afterCommit: got.slice(0, 3), afterAbort: got.slice(3) };
    ackTx.commit();
    await publishConfirmed(c, { destination: '/queue/js-ack-sync', body: 'x' });
    await c.deactivate();
    return result;
  },

  async topicFanout() {
    const subscribers = [];
    const counts = [];
    for (let i = 0; i < 3; i++) {
      const s = await connect();
      const k = i;
      counts.push(0);
      await subscribeConfirmed(s, '/topic/js.news', () => counts[k]++);
      subscribers.push(s);
    }
    const p = await connect();
    for (let i = 0; i < 5; i++) {
      await publishConfirmed(p, { destination: '/topic/js.news', body: 'n' + i });
    }
    await until(() => counts.every((n) => n === 5), 10000, 'fanout');
    await sleep(50);
    await Promise.all([...subscribers, p].map((c) => c.deactivate()));
    return { counts };
  },

  async requestReply() {
    const server = await connect();
    await subscribeConfirmed(server, '/queue/js-rpc', (m) => {
      server.publish({ destination: m.headers['reply-to'], body: 'pong:' + m.body,
        headers: { 'correlation-id': m.headers['correlation-id'] } });
    });
    const client = await connect();
    const replies = [];
    client.onUnhandledMessage = (m) => replies.push({ body: m.body, correlation: m.headers['correlation-id'],
      subscription: m.headers.subscription });
    await publishConfirmed(client, { destination: '/queue/js-rpc', body: 'ping',
      headers: { 'reply-to': '/temp-queue/rpc', 'correlation-id': 'c-1' } });
    await until(() => replies.length === 1, 10000, 'the reply');
    await Promise.all([server.deactivate(), client.deactivate()]);
    return { reply: replies[0] };
  },

  async exchange() {
    const c = await connect();
    const direct = [];
    const fanout = [];
    await subscribeConfirmed(c, '/exchange/amq.direct/js-key', (m) => direct.push(m.headers.destination));
    await subscribeConfirmed(c, '/exchange/amq.fanout', (m) => fanout.push(m.body));
    await publishConfirmed(c, { destination: '/exchange/amq.direct/js-key', body: 'd' });
    await publishConfirmed(c, { destination: '/exchange/amq.direct/other-key', body: 'not for us' });
    await publishConfirmed(c, { destination: '/exchange/amq.fanout', body: 'f' });
    await until(() => direct.length === 1 && fanout.length === 1, 10000, 'exchange deliveries');
    await sleep(100);
    await c.deactivate();
    return { direct, fanout };
  },

  async errors() {
    const healthy = await connect();
    const got = [];
    await subscribeConfirmed(healthy, '/queue/js-err-ok', (m) => got.push(m.body));
    const outcomes = {};
    const bad = await connect();
    const closed = new Promise((resolve) => { bad.onWebSocketClose = resolve; });
    const error = new Promise((resolve) => { bad.onStompError = (f) => resolve(f.headers); });
    bad.publish({ destination: '/nowhere/at-all', body: 'x' });
    outcomes.badDestination = await error;
    await closed;
    const acker = await connect();
    const ackError = new Promise((resolve) => { acker.onStompError = (f) => resolve(f.headers); });
    acker.ack('999-1', 'some-subscription');
    outcomes.unknownAck = await ackError;
    await acker.deactivate();
    await bad.deactivate();
    await publishConfirmed(healthy, { destination: '/queue/js-err-ok', body: 'still fine' });
    await until(() => got.length === 1, 10000, 'the healthy delivery');
    outcomes.healthy = got;
    await healthy.deactivate();
    return outcomes;
  },
};

const name = process.env.SCENARIO;
if (!scenarios[name]) {
  console.log(JSON.stringify({ error: 'no scenario ' + name }));
  process.exit(3);
}
run(scenarios[name]);
