// The county stack, asserted on its synthesised CloudFormation template (synthesised ONCE; bundling
// skipped: assets are covered by lambda-bundling.test.ts).
import { App } from 'aws-cdk-lib';
import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTIONS } from '../../infra/bundle-options.js';
import { TABLE_SCHEMA } from '../../functions/adapters/table-schema.js';
import { addCountyStack } from '../../infra/county.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FUNCTION_SPECS,
  INFRA_FUNCTIONS,
  MissingEntryError,
  OLDEST_PENDING_METRIC,
  OPS_ALARMS,
  TTL_ATTRIBUTE,
  type FunctionName,
} from '../../infra/sibao-stack.js';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };

let template: Template;
let resources: Record<string, Resource>;
let mainStack: ReturnType<typeof addCountyStack>;

const CLIENT_ID = '123456789012-demo.apps.googleusercontent.com';
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

beforeAll(() => {
  const app = new App({
    context: {
      county: 'tongxu',
      countyName: '通许县',
      region: 'ap-northeast-1',
      sesIdentity: 'mail.tongxu.example',
      addonClientId: CLIENT_ID,
      alarmEmail: 'ops@tongxu.example',
      bootstrapAdmins: 'it@tongxu.example',
      'aws:cdk:bundling-stacks': [],
    },
  });
  const stack = addCountyStack(app, { account: '123456789012' });
  mainStack = stack;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

/** Logical id of the only resource of `type` whose id starts with `prefix`. */
function idOf(type: string, prefix: string): string {
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type && id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0];
}
const fnId = (name: FunctionName) => idOf('AWS::Lambda::Function', `${cap(name)}Function`);
const roleId = (name: FunctionName) => idOf('AWS::IAM::Role', `${cap(name)}FunctionServiceRole`);
const dlqId = (name: FunctionName) => idOf('AWS::SQS::Queue', `${cap(name)}Dlq`);
const tableId = () => idOf('AWS::DynamoDB::Table', 'Table');
const envOf = (name: FunctionName): Record<string, unknown> => resources[fnId(name)].Properties.Environment.Variables;

/** Every statement of the inline policies attached to a function's role. */
function statementsOfRole(name: FunctionName): any[] {
  const role = roleId(name);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: any): string[] => [s.Action].flat();
const allActionsOfRole = (name: FunctionName) => statementsOfRole(name).flatMap(actionsOf);

describe('functions', () => {
  it('deploys exactly the handlers the local stack builds (LAMBDA_FUNCTIONS)', () => {
    expect([...INFRA_FUNCTIONS].sort()).toEqual([...LAMBDA_FUNCTIONS].sort());
    template.resourceCountIs('AWS::Lambda::Function', INFRA_FUNCTIONS.length);
  });

  it.each(INFRA_FUNCTIONS)('%s: Node.js 22 on arm64, ESM handler, its own log group with retention', (name) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTION_SPECS[name].description,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: FUNCTION_SPECS[name].memorySize,
      LoggingConfig: { LogGroup: { Ref: idOf('AWS::Logs::LogGroup', `${cap(name)}Logs`) } },
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: tableId() },
          COUNTY: 'tongxu',
          POWERTOOLS_SERVICE_NAME: 'sibao',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
    });
  });

  it('log groups keep 90 days', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', INFRA_FUNCTIONS.length);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('env vars: each function gets exactly what it is granted (the contract with functions/)', () => {
    const keys = (name: FunctionName) => Object.keys(envOf(name)).sort();
    const common = ['COUNTY', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TABLE_NAME'];
    expect(keys('api')).toEqual([...common, 'ACTION_SECRET_ARN', 'BOOTSTRAP_ADMINS', 'COUNTY_NAME', 'OAUTH_AUDIENCE_ARN'].sort());
    expect(envOf('api').COUNTY_NAME).toBe('通许县');
    expect(keys('dispatch')).toEqual(
      [...common, 'ACTION_SECRET_ARN', 'DISPATCH_CONCURRENCY', 'DISPATCH_RUN_BUDGET_MS', 'MAIL_FROM', 'PAGES_BASE_URL', 'PUBLIC_BASE_URL', 'SES_CONFIGURATION_SET', 'SES_MAX_SEND_RATE'].sort(),
    );
    expect(keys('pages')).toEqual([...common, 'ACTION_SECRET_ARN', 'COUNTY_NAME'].sort());
    expect(JSON.stringify(envOf('dispatch').PAGES_BASE_URL)).toContain(idOf('AWS::Lambda::Url', 'PagesFunctionFunctionUrl'));
    // The registers' mails (停产停工 overrun, 熔断) go from the sweep.
    expect(keys('sweep')).toEqual([...common, 'MAIL_FROM', 'SES_CONFIGURATION_SET'].sort());
    // SES's quota (default 14/s), 4 notifications at once, new ones taken for the timeout less 10 s.
    expect(envOf('dispatch')).toMatchObject({ SES_MAX_SEND_RATE: '14', DISPATCH_CONCURRENCY: '4', DISPATCH_RUN_BUDGET_MS: '40000' });
    expect(keys('digest')).toEqual([...common, 'ACTION_SECRET_ARN', 'COUNTY_NAME', 'MAIL_FROM', 'PUBLIC_BASE_URL', 'SES_CONFIGURATION_SET'].sort());
    expect(envOf('digest').COUNTY_NAME).toBe('通许县');
    expect(keys('bounce')).toEqual(common);
    expect(envOf('dispatch')).toMatchObject({
      MAIL_FROM: 'sibao@mail.tongxu.example',
      SES_CONFIGURATION_SET: { Ref: idOf('AWS::SES::ConfigurationSet', 'ConfigurationSet') },
      POWERTOOLS_METRICS_NAMESPACE: OLDEST_PENDING_METRIC.namespace,
      ACTION_SECRET_ARN: { Ref: idOf('AWS::SecretsManager::Secret', 'ActionSecret') },
    });
    expect(envOf('api').OAUTH_AUDIENCE_ARN).toEqual({ Ref: idOf('AWS::SecretsManager::Secret', 'OAuthAudience') });
    expect(envOf('api').BOOTSTRAP_ADMINS).toBe('it@tongxu.example');
  });

  it('PUBLIC_BASE_URL of the mailers is the Function URL without its trailing slash', () => {
    const url = envOf('dispatch').PUBLIC_BASE_URL;
    expect(JSON.stringify(url)).toContain(idOf('AWS::Lambda::Url', 'ApiFunctionFunctionUrl'));
    expect(url).toEqual(envOf('digest').PUBLIC_BASE_URL);
  });
});

describe('entries', () => {
  it('refuses to synthesise when a handler entry is missing, naming every missing file', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sibao-no-entries-'));
    try {
      const app = new App({
        context: { county: 'tongxu', region: 'ap-northeast-1', sesIdentity: 'mail.tongxu.example', 'aws:cdk:bundling-stacks': [] },
      });
      let error: unknown;
      try {
        addCountyStack(app, { account: '123456789012', entryRoot: empty });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MissingEntryError);
      expect((error as MissingEntryError).code).toBe('lambda_entry_missing');
      expect((error as Error).message).toContain(INFRA_FUNCTIONS.map((n) => `functions/handlers/${n}.ts`).join('、'));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('DynamoDB table', () => {
  it('takes keys and GSIs from functions/table-schema.ts, on demand, PITR, deletion protection, TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
    const gsis = new Capture();
    template.hasResourceProperties('AWS::DynamoDB::Table', { GlobalSecondaryIndexes: gsis });
    expect(gsis.asArray()).toEqual(
      TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({
        IndexName: g.indexName,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(resources[tableId()]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('every function may read and write the table (and its indexes), nothing more than data actions', () => {
    for (const name of INFRA_FUNCTIONS) {
      const table = statementsOfRole(name).find((s) => actionsOf(s).includes('dynamodb:PutItem'));
      expect(table, name).toBeDefined();
      expect(JSON.stringify(table.Resource)).toContain(tableId());
      expect(actionsOf(table).every((a) => a.startsWith('dynamodb:'))).toBe(true);
      expect(actionsOf(table)).not.toContain('dynamodb:DeleteTable');
    }
  });
});

describe('API Function URL', () => {
  it('auth NONE (the handler verifies Google ID tokens; action links open from any mail client), CORS limited', () => {
    // The API's, the web front end's (sign-in by mail, /my, uploads: no CORS, pages and forms only)
    // and the pages function's (public pages, the enterprise page; SPEC §7.4).
    template.resourceCountIs('AWS::Lambda::Url', 3);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId('web'), 'Arn'] } });
    expect(Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Url' && JSON.stringify(r.Properties.TargetFunctionArn).includes(fnId('web')))!.Properties.Cors).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [fnId('pages'), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [fnId('api'), 'Arn'] },
      Cors: {
        AllowOrigins: ['https://script.google.com'],
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: ['authorization', 'content-type'],
        MaxAge: 3600,
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: { 'Fn::GetAtt': [fnId('api'), 'Arn'] },
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId('api'), 'Arn'] },
      InvokedViaFunctionUrl: true,
      Principal: '*',
    });
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [idOf('AWS::Lambda::Url', 'ApiFunctionFunctionUrl'), 'FunctionUrl'] } });
  });

  it('outputs what `sibao redrive --table` needs: the table, the From address the functions send with, the digest function', () => {
    template.hasOutput('TableName', { Value: { Ref: tableId() } });
    template.hasOutput('MailFrom', { Value: envOf('digest').MAIL_FROM });
    expect(envOf('digest').MAIL_FROM).toBe('sibao@mail.tongxu.example');
    template.hasOutput('DigestFunctionName', { Value: { Ref: fnId('digest') } });
  });
});

describe('schedules (EventBridge Scheduler)', () => {
  const scheduleOf = (name: 'dispatch' | 'sweep' | 'digest') => {
    const input = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(name), 'Arn'] }, Input: input }),
    });
    return JSON.parse(input.asString());
  };

  it('four schedules in the county group: dispatch every minute, sweep every 15 minutes, digest Friday 17:00 Shanghai and every 15 minutes after, the daily report at 17:00 Shanghai', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 4);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'sibao-tongxu' });
    const expectSchedule = (name: FunctionName, expression: string, tz?: string) =>
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ...(tz ? { ScheduleExpressionTimezone: tz } : {}),
        GroupName: 'sibao-tongxu',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId(name), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId(name), 'Arn'] } },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        }),
      });
    expectSchedule('dispatch', 'rate(1 minute)');
    expectSchedule('sweep', 'rate(15 minutes)');
    expectSchedule('digest', 'cron(0/15 17-23 ? * FRI *)', 'Asia/Shanghai');
    expectSchedule('digest', 'cron(0 17 * * ? *)', 'Asia/Shanghai');
  });

  it('the daily report: 17:00 Shanghai every day, the digest function with `daily` (it exits at once when no 应急 is in force)', () => {
    const input = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 17 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('digest'), 'Arn'] }, Input: input }),
    });
    expect(JSON.parse(input.asString())).toEqual({ job: 'daily_report', county: 'tongxu', scheduledTime: '<aws.scheduler.scheduled-time>', daily: true });
  });

  it('passes the job name and the scheduled time (a late or retried run computes the right week)', () => {
    // The scheduled digest sends (a manual invocation without `send` is a dry run).
    expect(scheduleOf('digest')).toEqual({ job: 'digest', county: 'tongxu', scheduledTime: '<aws.scheduler.scheduled-time>', send: true });
    expect(scheduleOf('sweep')).not.toHaveProperty('send');
    expect(scheduleOf('sweep').job).toBe('sweep');
    expect(scheduleOf('dispatch').job).toBe('dispatch');
  });

  it('the scheduler role may invoke only its function and write only its DLQ', () => {
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('SchedulerRole'))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      for (const a of actionsOf(s)) expect(['lambda:InvokeFunction', 'sqs:SendMessage']).toContain(a);
    }
  });
});

describe('SES', () => {
  it('the identity from context uses the county configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'mail.tongxu.example',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: idOf('AWS::SES::ConfigurationSet', 'ConfigurationSet') } },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'sibao-tongxu',
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
    });
  });

  it('bounce and complaint events go to an SNS topic that the bounce Lambda subscribes to (with a DLQ)', () => {
    const topic = idOf('AWS::SNS::Topic', 'SesEvents');
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: topic } },
      }),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topic },
      Endpoint: { 'Fn::GetAtt': [fnId('bounce'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId('bounce'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'AWS:SourceAccount': '123456789012' }) },
          }),
        ]),
      },
    });
  });

  it('only dispatch and digest may send, scoped to the identity and the configuration set', () => {
    for (const name of INFRA_FUNCTIONS) {
      const sends = statementsOfRole(name).filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
      if (!FUNCTION_SPECS[name].sendsMail) {
        expect(sends, name).toEqual([]);
        continue;
      }
      expect(sends).toHaveLength(1);
      expect(actionsOf(sends[0]).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      const res = JSON.stringify(sends[0].Resource);
      expect(res).toContain(`:identity/",{"Ref":"${idOf('AWS::SES::EmailIdentity', 'EmailIdentity')}"}`);
      expect(res).toContain(`:configuration-set/",{"Ref":"${idOf('AWS::SES::ConfigurationSet', 'ConfigurationSet')}"}`);
      expect(res).not.toMatch(/"\*"/);
    }
  });
});

describe('dead-letter queues and async invocation', () => {
  it('one DLQ per asynchronous function (not the API), SSL only, 14 days', () => {
    template.resourceCountIs('AWS::SQS::Queue', 4);
    template.allResourcesProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const name of ['dispatch', 'sweep', 'digest', 'bounce'] as const) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: FUNCTION_SPECS[name].description,
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [dlqId(name), 'Arn'] } },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId(name) },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: FUNCTION_SPECS[name].async.maxEventAge.toSeconds(),
      });
      expect(allActionsOfRole(name)).toContain('sqs:SendMessage');
    }
    expect(resources[fnId('api')].Properties.DeadLetterConfig).toBeUndefined();
  });
});

describe('secrets', () => {
  it('the action key is generated in Secrets Manager; the client id is stored beside it; env holds ARNs only', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'sibao/tongxu/action-secret',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'sibao/tongxu/oauth-audience', SecretString: CLIENT_ID });
    for (const name of INFRA_FUNCTIONS) {
      for (const v of Object.values(envOf(name))) expect(JSON.stringify(v)).not.toContain(CLIENT_ID);
    }
  });

  it('only the functions that need a secret may read it', () => {
    const readers = (secretPrefix: string) =>
      INFRA_FUNCTIONS.filter((name) =>
        statementsOfRole(name).some(
          (s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(idOf('AWS::SecretsManager::Secret', secretPrefix)),
        ),
      );
    // The digest signs its page's view link with the action key; web its sign-in links and sessions;
    // pages verifies the enterprise's and the answer links.
    expect(readers('ActionSecret')).toEqual(['api', 'dispatch', 'digest', 'web', 'pages']);
    expect(readers('OAuthAudience')).toEqual(['api']);
  });
});

describe('alarms', () => {
  const topicRef = () => ({ Ref: idOf('AWS::SNS::Topic', 'AlarmTopic') });

  it('every alarm notifies the alarm topic, which mails the address from context', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(INFRA_FUNCTIONS.length + 4 + 3 + 4);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([topicRef()]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@tongxu.example', TopicArn: topicRef() });
  });

  it.each(INFRA_FUNCTIONS)('%s: errors >= 1 in 5 minutes', (name) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(name) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(['dispatch', 'sweep', 'digest', 'bounce'] as const)('%s DLQ: depth > 0', (name) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(name), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('SES bounce rate >= 2% and complaint rate >= 0.05%', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.02,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0005,
    });
  });

  it('oldest pending notification older than 15 minutes, or no report from the dispatcher', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Sibao',
      MetricName: 'OldestPendingNotificationAgeSeconds',
      Dimensions: [{ Name: 'County', Value: 'tongxu' }],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

describe('operational alarms (SPEC §7.5)', () => {
  it.each(Object.keys(OPS_ALARMS))('%s (EMF, namespace Sibao, dimension County) has an alarm on the alarm topic', (metricName) => {
    const a = OPS_ALARMS[metricName as keyof typeof OPS_ALARMS];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Sibao',
      MetricName: metricName,
      Dimensions: [{ Name: 'County', Value: 'tongxu' }],
      Statistic: a.statistic,
      Period: a.period * 60,
      Threshold: a.threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: idOf('AWS::SNS::Topic', 'AlarmTopic') }],
    });
  });

  it('both SNS topics are encrypted with the customer key SES and CloudWatch may use, and refuse anything but TLS', () => {
    const key = idOf('AWS::KMS::Key', 'TopicKey');
    for (const topic of ['SesEvents', 'AlarmTopic']) {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, DisplayName: Match.stringLikeRegexp(topic === 'SesEvents' ? 'SES' : 'alarms') });
      const policies = Object.values(resources).filter(
        (r) => r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties.Topics).includes(idOf('AWS::SNS::Topic', topic)),
      );
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements.some((st: any) => st.Effect === 'Deny' && JSON.stringify(st.Condition ?? {}).includes('"aws:SecureTransport":"false"'))).toBe(true);
    }
    const keyPolicy = JSON.stringify(resources[key].Properties.KeyPolicy);
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) expect(keyPolicy).toContain(service);
    expect(resources[key].Properties.EnableKeyRotation).toBe(true);
  });

  it('synth warns when no alarm address is given (the alarm topic would have no subscriber)', () => {
    const app = new App({
      context: { county: 'tongxu', region: 'ap-northeast-1', sesIdentity: 'mail.tongxu.example', addonClientId: CLIENT_ID, 'aws:cdk:bundling-stacks': [] },
    });
    const stack = addCountyStack(app, { account: '123456789012' });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('alarmEmail'));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alarmEmail'))).toHaveLength(1);
    // With an address (the suite's stack): no such warning.
    expect(Annotations.fromStack(mainStack).findWarning('*', Match.stringLikeRegexp('alarmEmail'))).toHaveLength(0);
  });
});

describe('IAM', () => {
  it('no IAM statement allows a wildcard action (* or service:*)', () => {
    const statements: { where: string; s: any }[] = [];
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
        for (const s of r.Properties.PolicyDocument.Statement) statements.push({ where: id, s });
      }
      if (r.Type === 'AWS::IAM::Role') {
        for (const p of r.Properties.Policies ?? []) for (const s of p.PolicyDocument.Statement) statements.push({ where: id, s });
      }
      // Resource policies: their Allow statements too (a Deny sqs:* for non-TLS is fine).
      if (r.Type === 'AWS::SQS::QueuePolicy' || r.Type === 'AWS::SNS::TopicPolicy') {
        for (const s of r.Properties.PolicyDocument.Statement) if (s.Effect === 'Allow') statements.push({ where: id, s });
      }
    }
    expect(statements.length).toBeGreaterThan(10);
    const wild = statements.flatMap(({ where, s }) =>
      [s.Action, s.NotAction].flat().filter((a): a is string => typeof a === 'string' && (a === '*' || /^[a-z0-9-]+:\*$/i.test(a))).map((a) => `${where}: ${a}`),
    );
    expect(wild).toEqual([]);
    // NotAction would allow everything else: never used.
    expect(statements.filter(({ s }) => s.NotAction !== undefined)).toEqual([]);
  });

  it('no function role has a policy it does not need (CloudWatch PutMetricData is not granted: the metric is EMF)', () => {
    for (const name of INFRA_FUNCTIONS) expect(allActionsOfRole(name)).not.toContain('cloudwatch:PutMetricData');
  });
});
