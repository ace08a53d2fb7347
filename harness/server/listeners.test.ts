/** Reading /proc/net/tcp{,6}: rows as Linux prints them. */
import { listeningOn, onlyLoopback } from './listeners';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 00000000:1C43 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1C41 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1C41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1C41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0000000000000000 100 0 0 10 0`;

test('the listening sockets on a port, not its connections nor other ports', () => {
  expect(listeningOn(TCP, 7233)).toEqual(['127.0.0.1']);
  expect(listeningOn(TCP, 7235)).toEqual(['0.0.0.0']);
  expect(listeningOn(TCP, 7000)).toEqual([]);
});

test('IPv6 addresses, any and loopback', () => {
  expect(listeningOn(TCP6, 7233)).toEqual(['[::]', '[::1]']);
});

test('loopback only: nothing outside reaches it; nothing listening is not loopback', () => {
  expect(onlyLoopback(['127.0.0.1', '[::1]'])).toBe(true);
  expect(onlyLoopback(['127.0.0.1', '0.0.0.0'])).toBe(false);
  expect(onlyLoopback([])).toBe(false);
});
