// The sign-in mail of the web front end (SPEC §7.7): one button to the confirm page of a single-use
// link valid 15 minutes. Laid out by the one mail layout (composeMail); nothing in it names classes or
// roles, so a forwarded mail tells nobody more than that the address is a member.
import { composeMail, type RenderedMail } from './mail-templates.js';

export interface LoginMailData {
  /** The `/login/{token}` URL. */
  link: string;
  /** Minutes the link stays valid. */
  minutes: number;
  countyName?: string;
}

export function renderLoginMail(d: LoginMailData): RenderedMail {
  return composeMail({
    subject: `登录四保白名单系统${d.countyName ? `（${d.countyName}）` : ''}`,
    heading: '登录链接',
    intro: `您好！有人（通常是您本人）在登录页填写了这个邮箱。请在 ${d.minutes} 分钟内点击下方按钮登录；链接只能使用一次。`,
    buttons: [{ label: '登录', href: d.link, colour: '#1a73e8' }],
    buttonsIntro: '请点击下方按钮（打开后需再点一次“确认登录”）：',
    paragraphs: ['如果不是您本人操作，请忽略本邮件，您的账号不会有任何变化。'],
  });
}
