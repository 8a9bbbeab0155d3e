// `multipart/form-data` bodies (RFC 7578) as the upload form sends them: text fields and at most one
// file per field name. Parsed from the bytes of the request (a Function URL hands a binary body as
// base64); a malformed body is a MultipartError.
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface MultipartFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, MultipartFile>;
}

/** The boundary of a `multipart/form-data` content type, or undefined for another type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType.trim())) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function headerParam(header: string, name: string): string | undefined {
  const star = new RegExp(`;\\s*${name}\\*=(?:UTF-8|utf-8)''([^;]+)`).exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      return undefined;
    }
  }
  const m = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]+)`).exec(header);
  return m ? m[1].replace(/\\(.)/g, '$1') : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: {}, files: {} };
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('请求格式不正确：缺少表单分隔符');
  for (let parts = 0; ; parts++) {
    if (parts > 20) throw new MultipartError('请求格式不正确：表单字段过多');
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing delimiter
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new MultipartError('请求格式不正确：表单字段缺少头部');
    const head = body.subarray(pos, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
    if (next < 0) throw new MultipartError('请求格式不正确：表单没有结束分隔符（上传可能被截断）');
    const content = body.subarray(headEnd + 4, next);
    const headers = new Map<string, string>();
    for (const line of head.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = headerParam(disposition, 'name');
    if (!name) throw new MultipartError('请求格式不正确：表单字段没有名称');
    const filename = headerParam(disposition, 'filename');
    if (filename !== undefined) {
      form.files[name] = { filename: filename.split(/[\\/]/).pop() ?? '', contentType: (headers.get('content-type') ?? '').toLowerCase(), bytes: Buffer.from(content) };
    } else {
      form.fields[name] = content.toString('utf8');
    }
    pos = next + 2;
  }
  return form;
}
