import { afterAll, describe, expect, it } from 'vitest';
import { describeConnectError, closedBeforeConnack } from '../../main/core/engine/connect-errors';
import { createDispatcher, type RequestHandlers } from '../../main/core/rpc/dispatcher';
import { describeError, pageError } from '../../renderer/ui/errors';
import { i18n } from '../../renderer/ui/i18n';
import { WorkbenchFailure } from '../../shared/contract/errors';

const url = 'mqtt://127.0.0.1:1';
const socketError = (code: unknown, message = 'x') => Object.assign(new Error(message), { code });

async function inLanguage(language: 'en' | 'zh-CN', run: () => void): Promise<void> {
  await i18n.changeLanguage(language);
  run();
}

afterAll(async () => {
  await i18n.changeLanguage('en');
});

describe('describeError: the sentence of the code or its situation, with its values, in the chosen language; in English the core\'s message (issue 20)', () => {
  it('fills the sentence with the host and port and keeps the OS error in its own words', async () => {
    const refused = describeConnectError(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), url);
    expect(refused.message).toBe(`Nothing listens at ${url}: the connection was refused (ECONNREFUSED)`); // the CLI and logs still print this
    await inLanguage('zh-CN', () => expect(describeError(refused)).toBe(`${url} 上没有服务在监听：连接被拒绝（ECONNREFUSED）`));
    await inLanguage('en', () => expect(describeError(refused)).toBe(refused.message));
    // The English catalog says what the core says: it is what the translations are checked against.
    expect(`${i18n.t('errors:reason.nothingListens', { url, lng: 'en' })} (${refused.params!.detail})`).toBe(refused.message);
  });

  it("names a CONNACK refusal by its reason code and keeps the spec's reason name as the detail", async () => {
    const refused = describeConnectError(socketError(0x86, 'Connection refused: Bad User Name or Password'), url);
    await inLanguage('zh-CN', () => expect(describeError(refused)).toBe(`${url} 的 Broker 拒绝了连接：CONNACK 0x86（Bad User Name or Password）`));
    await inLanguage('en', () => expect(describeError(refused)).toBe(`The broker at ${url} refused the connection: 0x86 Bad User Name or Password`));
  });

  it('puts the code\'s own sentence in a situation that names it (`{{what}}`): TLS', async () => {
    const untrusted = describeConnectError(socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), 'mqtts://h:8883');
    await inLanguage('zh-CN', () =>
      expect(describeError(untrusted)).toBe('Broker 的证书不是由受信任的 CA 签发的（与 mqtts://h:8883 的 TLS）（unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)）'),
    );
  });

  it('fills numbers and versions', async () => {
    const closed = closedBeforeConnack(url, 5);
    await inLanguage('zh-CN', () => expect(describeError(closed)).toContain('它可能不接受 MQTT 5.0'));
    await inLanguage('en', () => expect(describeError(closed)).toBe(closed.message));
  });

  it('keeps validation details in their own words after the sentence', async () => {
    const dispatcher = createDispatcher({} as RequestHandlers);
    const result = await dispatcher.handle('messages.subscribe', { connectionId: 'c1', filter: 'a/#/b', qos: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.params).toEqual({ reason: 'invalidRequest', channel: 'messages.subscribe' });
    const detail = result.error.details!.find((d) => d.path === 'filter')!;
    await inLanguage('zh-CN', () => {
      const text = describeError(result.error);
      expect(text.startsWith('messages.subscribe 请求无效（')).toBe(true);
      expect(text).toContain(`filter：${detail.message}`);
    });
  });

  it('carries the params of a failure thrown in a handler across the dispatcher', async () => {
    const dispatcher = createDispatcher({
      'profiles.delete': () => {
        throw new WorkbenchFailure('NOT_FOUND', 'No profile with id p9', { reason: 'noProfile', id: 'p9' });
      },
    } as unknown as RequestHandlers);
    const result = await dispatcher.handle('profiles.delete', { id: 'p9' });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).toEqual({ code: 'NOT_FOUND', message: 'No profile with id p9', params: { reason: 'noProfile', id: 'p9' } });
    await inLanguage('zh-CN', () => expect(describeError(result.error)).toBe('没有 ID 为 p9 的配置'));
  });

  it('without params: the core\'s message in English (as always); elsewhere the code\'s sentence with that message kept as the detail', async () => {
    const bare = { code: 'HISTORY_READ_ONLY', message: 'Your role may only read this team database' };
    await inLanguage('en', () => expect(describeError(bare)).toBe('Your role may only read this team database'));
    await inLanguage('zh-CN', () => expect(describeError(bare)).toBe('你的角色对团队数据库只有读取权限（Your role may only read this team database）'));
  });

  it("shows an error the page made in the user's language as it is, in every language", async () => {
    await inLanguage('zh-CN', () => expect(describeError(pageError('INVALID_REQUEST', i18n.t('connectionDialog:dialog.needName')))).toBe('请为配置命名后再保存'));
    await inLanguage('en', () => expect(describeError(pageError('INVALID_REQUEST', 'Name the profile to save it'))).toBe('Name the profile to save it'));
  });

  it('falls back to the code\'s sentence when a situation lacks a value, and to the message for a code it does not know', async () => {
    const partial = { code: 'HOST_UNREACHABLE', message: 'Cannot reach it', params: { reason: 'cannotReach' as const, detail: 'EHOSTUNREACH' } };
    await inLanguage('zh-CN', () => {
      expect(describeError(partial)).toBe('无法访问 Broker：该地址没有服务在监听，或无法到达该地址（EHOSTUNREACH）');
      expect(describeError({ code: 'SOMETHING_NEWER', message: 'A newer core said this' })).toBe('A newer core said this');
    });
  });
});
