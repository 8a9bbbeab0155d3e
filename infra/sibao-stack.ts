// One county on AWS: the DynamoDB table, the five Lambdas the local stack runs (same entries, same
// esbuild settings), the Function URL of the API, the schedules, SES with bounce/complaint events,
// dead-letter queues, alarms and the secrets. Every grant sets the env var naming what it grants.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, ArnFormat, CfnOutput, Duration, Fn, SecretValue, Stack, Tags, TimeZone, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../functions/adapters/table-schema.js';
import { DIGEST_SCHEDULE } from '../domain/reports/week.js';
import type { CountyConfig } from './config.js';
import { bundlingFor } from './lambda-bundling.js';

/** The repository root (holds `functions/` and `package-lock.json`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Attribute DynamoDB's TTL deletes items by (epoch SECONDS); from the shared schema when it names one. */
export const TTL_ATTRIBUTE: string = (TABLE_SCHEMA as { timeToLiveAttribute?: string }).timeToLiveAttribute ?? 'expiresAt';

/** The custom metric the dispatcher publishes (EMF), one datapoint per run, 0 when nothing is pending. */
export const OLDEST_PENDING_METRIC = { namespace: 'Sibao', metricName: 'OldestPendingNotificationAgeSeconds', dimension: 'County' } as const;

/**
 * The operational metrics the functions publish (EMF, namespace Sibao, dimension County; ports.ts
 * OpsMetricName) and their alarms: an unexpected API error (the Lambda succeeds, so its Errors metric
 * cannot see it), a burst of failing job items, any item set aside, the digest not sent by Friday 18:00.
 */
export const OPS_ALARMS = {
  ApiUnexpectedErrors: { statistic: 'Sum', period: 5, threshold: 1, what: 'the API answered 5xx to an unexpected error' },
  JobItemFailures: { statistic: 'Sum', period: 15, threshold: 10, what: '10 or more background-job items failed in 15 minutes (each is retried with backoff)' },
  ItemsSetAside: { statistic: 'Maximum', period: 5, threshold: 1, what: 'items are set aside after their retries: re-drive them with `sibao redrive --table <TableName output> --region <region>` once the cause is fixed' },
  DigestLate: { statistic: 'Maximum', period: 15, threshold: 1, what: 'the Friday digest is not sent by 18:00 Asia/Shanghai (it is retried every 15 minutes)' },
} as const;

type SecretName = 'actionSecret' | 'oauthAudience';

interface FunctionSpec {
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Sends mail through SES (MAIL_FROM, SES_CONFIGURATION_SET, ses:SendEmail/SendRawEmail). */
  sendsMail: boolean;
  /** Secrets it reads at init (env holds the ARN). */
  secrets: SecretName[];
  /** Needs PUBLIC_BASE_URL (links in mails or pages). */
  links: boolean;
  /** Invoked asynchronously (schedule or SNS): DLQ, async retry settings. */
  async?: { retryAttempts: number; maxEventAge: Duration };
}

/**
 * The five Lambdas, exactly the handlers the local stack runs (`functions/<name>.ts`). Which
 * permissions each one gets is decided here, in one table.
 */
export const FUNCTION_SPECS = {
  api: {
    description: 'sibao HTTP API (sync, issues, coverage, digests, action links) behind a Function URL',
    memorySize: 512,
    timeout: Duration.seconds(30),
    sendsMail: false,
    secrets: ['actionSecret', 'oauthAudience'],
    links: true,
  },
  dispatch: {
    description: 'sibao dispatcher: sends pending notifications (outbox) through SES, every minute',
    memorySize: 256,
    timeout: Duration.seconds(50),
    sendsMail: true,
    secrets: ['actionSecret'],
    links: true,
    async: { retryAttempts: 2, maxEventAge: Duration.minutes(5) },
  },
  sweep: {
    description: 'sibao sweep: reminders, overdue marks and escalations into the outbox, every 15 minutes; the registers\' overrun and 熔断 mails',
    memorySize: 256,
    timeout: Duration.minutes(5),
    // The registers' mails (停产停工 overrun, 熔断), once each through the delivery path.
    sendsMail: true,
    secrets: [],
    links: false,
    async: { retryAttempts: 2, maxEventAge: Duration.minutes(15) },
  },
  digest: {
    description: 'sibao Friday supervision digest (17:00 Asia/Shanghai)',
    memorySize: 512,
    timeout: Duration.minutes(5),
    sendsMail: true,
    // Signs the digest page's view link.
    secrets: ['actionSecret'],
    links: true,
    async: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
  },
  bounce: {
    description: 'sibao SES bounce and complaint events (SNS) -> delivery records',
    memorySize: 256,
    timeout: Duration.seconds(30),
    sendsMail: false,
    secrets: [],
    links: false,
    async: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
  },
  web: {
    description: 'sibao web front end without Google: sign-in by mail, /my, workbook upload (its own Function URL)',
    memorySize: 1024,
    timeout: Duration.seconds(60),
    // The sign-in mail, through the one delivery path.
    sendsMail: true,
    // Signs sign-in links, sessions and the dashboard's view link.
    secrets: ['actionSecret'],
    // PUBLIC_BASE_URL: the API's URL (the dashboard link on /my).
    links: true,
  },
  pages: {
    description: 'sibao public policy list and mechanisms, the enterprise page and policy answers, behind its own Function URL',
    memorySize: 256,
    timeout: Duration.seconds(30),
    sendsMail: false,
    secrets: ['actionSecret'],
    links: false,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTION_SPECS;
export const INFRA_FUNCTIONS = Object.keys(FUNCTION_SPECS) as FunctionName[];

export class MissingEntryError extends Error {
  readonly code = 'lambda_entry_missing';
  constructor(message: string) {
    super(message);
    this.name = 'MissingEntryError';
  }
}

export interface SibaoStackProps extends StackProps {
  config: CountyConfig;
  /** Folder holding `functions/<name>.ts` and `package-lock.json`; default the repository root. */
  entryRoot?: string;
}

export class SibaoStack extends Stack {
  readonly table: dynamodb.Table;
  readonly functions: Record<FunctionName, NodejsFunction>;
  readonly deadLetterQueues: Partial<Record<FunctionName, sqs.Queue>>;
  readonly apiUrl: lambda.FunctionUrl;
  /** The web front end's own URL (`/login`, `/my`): sessions and uploads live apart from the API. */
  readonly webUrl: lambda.FunctionUrl;
  /** The pages function's URL (`/p/`, `/e/`, `/f/`): public pages and the enterprise's links. */
  readonly pagesUrl: lambda.FunctionUrl;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: SibaoStackProps) {
    super(scope, id, props);
    const { config } = props;
    const county = config.county;
    const entryRoot = props.entryRoot ?? REPO_ROOT;
    Tags.of(this).add('project', 'sibao');
    Tags.of(this).add('county', county);

    // ---- storage ------------------------------------------------------------------------------
    const attr = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    if (TABLE_SCHEMA.attributeType !== 'S') throw new Error('TABLE_SCHEMA: only string keys are mapped');
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attr(TABLE_SCHEMA.partitionKey),
      sortKey: attr(TABLE_SCHEMA.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });
    for (const gsi of TABLE_SCHEMA.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attr(gsi.partitionKey),
        sortKey: attr(gsi.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // ---- secrets (the functions read them at init; env holds only the ARN) ---------------------
    const actionSecret = new secretsmanager.Secret(this, 'ActionSecret', {
      secretName: `sibao/${county}/action-secret`,
      description: 'HMAC-SHA256 key of the signed action links (comma-separated list: sign with the first, verify with any)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    if (!config.addonClientId) {
      Annotations.of(this).addWarningV2(
        'sibao:addonClientIdMissing',
        '未提供 -c addonClientId=…：部署后请用 aws secretsmanager put-secret-value 写入插件的 OAuth 客户端 ID，否则 API 会拒绝所有同步请求',
      );
    }
    const oauthAudience = new secretsmanager.Secret(this, 'OAuthAudience', {
      secretName: `sibao/${county}/oauth-audience`,
      description: "The add-on's OAuth client id: the expected aud of its Google ID tokens (public, kept beside the key)",
      ...(config.addonClientId
        ? { secretStringValue: SecretValue.unsafePlainText(config.addonClientId) }
        : { generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false } }),
    });
    const secrets: Record<SecretName, { secret: secretsmanager.Secret; env: string }> = {
      actionSecret: { secret: actionSecret, env: 'ACTION_SECRET_ARN' },
      oauthAudience: { secret: oauthAudience, env: 'OAUTH_AUDIENCE_ARN' },
    };

    // ---- SES: identity, configuration set, bounce/complaint events -> SNS -----------------------
    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `sibao-${county}`,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const isEmailIdentity = config.sesIdentity.includes('@');
    const identity = new ses.EmailIdentity(this, 'EmailIdentity', {
      identity: isEmailIdentity ? ses.Identity.email(config.sesIdentity) : ses.Identity.domain(config.sesIdentity),
      configurationSet,
    });
    // Both topics are encrypted with one customer key that SES and CloudWatch alarms may use (the AWS
    // managed SNS key does not let CloudWatch publish), and refuse anything but TLS.
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: `sibao ${county}: encrypts the SES-events and alarm topics`,
      enableKeyRotation: true,
    });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      topicKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `PublishFrom${service.split('.')[0].toUpperCase()}`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    const sesEvents = new sns.Topic(this, 'SesEvents', { displayName: `sibao ${county} SES bounces and complaints`, masterKey: topicKey, enforceSSL: true });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // EventDestination.snsTopic adds the topic policy letting SES (this configuration set) publish.
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(sesEvents),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    // ---- functions ----------------------------------------------------------------------------
    const lockFile = join(entryRoot, 'package-lock.json');
    const entryOf = (name: FunctionName) => join(entryRoot, 'functions', 'handlers', `${name}.ts`);
    const missing = INFRA_FUNCTIONS.filter((name) => !existsSync(entryOf(name)));
    if (missing.length) {
      throw new MissingEntryError(
        `缺少 Lambda 入口 ${missing.map((n) => `functions/handlers/${n}.ts`).join('、')}（在 ${entryRoot} 下）：` +
          'CDK 部署的函数必须与本机栈运行的处理器相同',
      );
    }
    const fns = {} as Record<FunctionName, NodejsFunction>;
    this.deadLetterQueues = {};
    for (const name of INFRA_FUNCTIONS) {
      const spec: FunctionSpec = FUNCTION_SPECS[name];
      const entry = entryOf(name);
      const logGroup = new logs.LogGroup(this, `${cap(name)}Logs`, { retention: config.logRetentionDays as logs.RetentionDays });
      const dlq = spec.async
        ? new sqs.Queue(this, `${cap(name)}Dlq`, { retentionPeriod: Duration.days(14), enforceSSL: true })
        : undefined;
      const fn = new NodejsFunction(this, `${cap(name)}Function`, {
        entry,
        handler: 'handler',
        projectRoot: entryRoot,
        depsLockFilePath: lockFile,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: spec.memorySize,
        timeout: spec.timeout,
        description: spec.description,
        logGroup,
        bundling: bundlingFor(name),
        environment: {
          COUNTY: county,
          // The county's name on the digest and on the dashboard page.
          ...(name === 'digest' || name === 'api' || name === 'web' || name === 'pages' ? { COUNTY_NAME: config.countyName } : {}),
          POWERTOOLS_SERVICE_NAME: 'sibao',
          POWERTOOLS_LOG_LEVEL: config.logLevel,
          // The EMF metrics of every function (OPS_ALARMS, the dispatcher's oldest pending): namespace
          // here, dimension County = COUNTY.
          POWERTOOLS_METRICS_NAMESPACE: OLDEST_PENDING_METRIC.namespace,
          // The dispatcher: SES's quota, how many notifications at once, and when a run stops taking new
          // ones (its timeout less 10 s for the notifications in flight).
          ...(name === 'dispatch'
            ? {
                SES_MAX_SEND_RATE: String(config.sesMaxSendRate),
                DISPATCH_CONCURRENCY: String(config.dispatchConcurrency),
                DISPATCH_RUN_BUDGET_MS: String(spec.timeout.toMilliseconds() - 10_000),
              }
            : {}),
        },
        ...(dlq && spec.async
          ? { deadLetterQueue: dlq, retryAttempts: spec.async.retryAttempts, maxEventAge: spec.async.maxEventAge }
          : {}),
      });
      grantTable(fn, this.table);
      for (const s of spec.secrets) grantSecret(fn, secrets[s].secret, secrets[s].env);
      if (spec.sendsMail) grantMail(fn, { identity, configurationSet, configurationSetArn, mailFrom: config.mailFrom });
      fns[name] = fn;
      if (dlq) this.deadLetterQueues[name] = dlq;
    }
    this.functions = fns;

    // ---- the API: a Function URL, auth NONE (the handler verifies Google ID tokens; action links
    // must open from any mail client) -----------------------------------------------------------
    this.apiUrl = fns.api.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      cors: {
        allowedOrigins: config.corsAllowOrigins,
        allowedMethods: [lambda.HttpMethod.GET, lambda.HttpMethod.POST],
        allowedHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    // The API's own URL cannot be in its environment (a cycle): it derives it from the request
    // unless a custom domain is configured. The others get it.
    const publicBaseUrl = config.publicBaseUrl ?? trimSlash(this.apiUrl.url);
    if (config.publicBaseUrl) fns.api.addEnvironment('PUBLIC_BASE_URL', config.publicBaseUrl);
    if (config.bootstrapAdmins.length) {
      fns.api.addEnvironment('BOOTSTRAP_ADMINS', config.bootstrapAdmins.join(','));
      fns.web.addEnvironment('BOOTSTRAP_ADMINS', config.bootstrapAdmins.join(','));
    }
    // The web front end: pages and forms only (no CORS: nothing calls it from another origin). Its
    // base URL comes from each request (WEB_BASE_URL overrides it behind a custom domain).
    this.webUrl = fns.web.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    for (const name of INFRA_FUNCTIONS) {
      if (name !== 'api' && (FUNCTION_SPECS[name] as FunctionSpec).links) fns[name].addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    }

    // ---- the pages function (SPEC §7.4): its own Function URL, no login (public pages, signed
    // enterprise links); the dispatcher's /e/ and /f/ links point to it ---------------------------
    this.pagesUrl = fns.pages.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    fns.dispatch.addEnvironment('PAGES_BASE_URL', trimSlash(this.pagesUrl.url));

    // ---- bounce handler: SES events via SNS ---------------------------------------------------
    sesEvents.addSubscription(new LambdaSubscription(fns.bounce, { deadLetterQueue: this.deadLetterQueues.bounce }));

    // ---- schedules ----------------------------------------------------------------------------
    const group = new scheduler.ScheduleGroup(this, 'Schedules', { scheduleGroupName: `sibao-${county}` });
    const schedule = (name: 'dispatch' | 'sweep' | 'digest', expression: scheduler.ScheduleExpression, description: string) => {
      const spec = FUNCTION_SPECS[name];
      return new scheduler.Schedule(this, `${cap(name)}Schedule`, {
        scheduleGroup: group,
        schedule: expression,
        description,
        target: new LambdaInvoke(fns[name], {
          deadLetterQueue: this.deadLetterQueues[name],
          retryAttempts: spec.async.retryAttempts,
          maxEventAge: spec.async.maxEventAge,
          input: scheduler.ScheduleTargetInput.fromObject({
            job: name,
            county,
            scheduledTime: scheduler.ContextAttribute.scheduledTime,
            // The scheduled digest sends; a manual invocation without it is a dry run.
            ...(name === 'digest' ? { send: true } : {}),
          }),
        }),
      });
    };
    schedule('dispatch', scheduler.ScheduleExpression.rate(Duration.minutes(1)), 'Send pending notifications every minute');
    schedule('sweep', scheduler.ScheduleExpression.rate(Duration.minutes(15)), 'Reminders, overdue and escalation every 15 minutes');
    // 17:00 and every 15 minutes after until 23:45: a run that finds the week sent does nothing; one
    // that failed is retried (after its backoff); from 18:00 a week not sent raises DigestLate.
    const d = DIGEST_SCHEDULE;
    schedule(
      'digest',
      scheduler.ScheduleExpression.cron({ weekDay: d.weekDay, hour: `${d.fromHour}-${d.toHour}`, minute: `0/${d.everyMinutes}`, timeZone: TimeZone.ASIA_SHANGHAI }),
      `Friday supervision digest, ${d.fromHour}:00 Asia/Shanghai, retried every ${d.everyMinutes} minutes until ${d.toHour}:${60 - d.everyMinutes}`,
    );
    // The emergency's daily report (日报, SPEC §7.3 平急转换): the digest function at 17:00 Shanghai every
    // day with `daily: true`. It runs only while a mode is in force: the function reads the profile's
    // 运行状态 first and, when no 应急 row is in force at that instant, returns `no_mode` having read
    // one item and sent nothing (usecases/daily-report.ts) — so starting or ending an emergency is a
    // row in the coordination sheet, never a redeploy. Once per date: delivery records `daily#<date>`.
    const digestSpec = FUNCTION_SPECS.digest;
    new scheduler.Schedule(this, 'DailyReportSchedule', {
      scheduleGroup: group,
      schedule: scheduler.ScheduleExpression.cron({ hour: '17', minute: '0', timeZone: TimeZone.ASIA_SHANGHAI }),
      description: 'Daily report while an emergency (运行状态 应急) is in force, 17:00 Asia/Shanghai; exits at once otherwise',
      target: new LambdaInvoke(fns.digest, {
        deadLetterQueue: this.deadLetterQueues.digest,
        retryAttempts: digestSpec.async.retryAttempts,
        maxEventAge: digestSpec.async.maxEventAge,
        input: scheduler.ScheduleTargetInput.fromObject({ job: 'daily_report', county, scheduledTime: scheduler.ContextAttribute.scheduledTime, daily: true }),
      }),
    });

    // ---- alarms -------------------------------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `sibao ${county} alarms`, masterKey: topicKey, enforceSSL: true });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    else {
      Annotations.of(this).addWarningV2(
        'sibao:alarmEmailMissing',
        '未提供 -c alarmEmail=…：告警主题没有订阅者，API 错误、搁置条目、周报未按时发送等告警无人收到；请部署时指定告警邮箱，或自行订阅 AlarmTopicArn',
      );
    }
    const notify = new SnsAction(this.alarmTopic);
    const alarm = (id: string, props: cloudwatch.AlarmProps) => new cloudwatch.Alarm(this, id, props).addAlarmAction(notify);

    for (const name of INFRA_FUNCTIONS) {
      alarm(`${cap(name)}Errors`, {
        alarmDescription: `sibao ${county}: ${name} function errors`,
        metric: fns[name].metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const dlq = this.deadLetterQueues[name];
      if (dlq) {
        alarm(`${cap(name)}DlqNotEmpty`, {
          alarmDescription: `sibao ${county}: failed ${name} events are waiting in the dead-letter queue`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }
    alarm('SesBounceRate', {
      alarmDescription: `sibao ${county}: SES bounce rate >= 2% (SES reviews the account at 5%)`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.BounceRate',
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: 0.02,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('SesComplaintRate', {
      alarmDescription: `sibao ${county}: SES complaint rate >= 0.05% (SES reviews the account at 0.1%)`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.ComplaintRate',
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      }),
      threshold: 0.0005,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('OldestPendingNotification', {
      alarmDescription:
        `sibao ${county}: a notification has waited more than 15 minutes, or the dispatcher stopped reporting ` +
        `(${OLDEST_PENDING_METRIC.namespace}/${OLDEST_PENDING_METRIC.metricName} is published on every run)`,
      metric: new cloudwatch.Metric({
        namespace: OLDEST_PENDING_METRIC.namespace,
        metricName: OLDEST_PENDING_METRIC.metricName,
        dimensionsMap: { [OLDEST_PENDING_METRIC.dimension]: county },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      }),
      threshold: 900,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    for (const [metricName, a] of Object.entries(OPS_ALARMS)) {
      alarm(metricName, {
        alarmDescription: `sibao ${county}: ${a.what} (${OLDEST_PENDING_METRIC.namespace}/${metricName})`,
        metric: new cloudwatch.Metric({
          namespace: OLDEST_PENDING_METRIC.namespace,
          metricName,
          dimensionsMap: { [OLDEST_PENDING_METRIC.dimension]: county },
          statistic: a.statistic,
          period: Duration.minutes(a.period),
        }),
        threshold: a.threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // ---- outputs ------------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl.url, description: 'Base URL for the add-on (项目设置 → API 地址)' });
    new CfnOutput(this, 'PublicBaseUrl', { value: publicBaseUrl, description: 'Base URL the mails link to' });
    new CfnOutput(this, 'WebUrl', { value: this.webUrl.url, description: 'Sign-in page for offices without Google (<WebUrl>login): mail links, /my, workbook upload' });
    new CfnOutput(this, 'PagesUrl', { value: this.pagesUrl.url, description: 'Public pages (<PagesUrl>p/policies 惠企政策清单, p/mechanisms 工作机制) and the enterprises\' links (/e/, /f/)' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'SesIdentity', { value: identity.emailIdentityName });
    new CfnOutput(this, 'SesConfigurationSet', { value: configurationSet.configurationSetName });
    // What `sibao redrive --table <TableName> --from <MailFrom>` needs, and the function it names for a week of the 周报.
    new CfnOutput(this, 'MailFrom', { value: config.mailFrom, description: 'From address of every mail (sibao redrive --from)' });
    new CfnOutput(this, 'DigestFunctionName', { value: fns.digest.functionName, description: 'The 周报 function: sibao redrive prints how to invoke it for a past week' });
    new CfnOutput(this, 'ActionSecretArn', { value: actionSecret.secretArn });
    new CfnOutput(this, 'OAuthAudienceSecretArn', { value: oauthAudience.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}

/** Read/write on the table (and its indexes) + TABLE_NAME: the grant and the env var travel together. */
export function grantTable(fn: lambda.Function, table: dynamodb.ITable): void {
  table.grantReadWriteData(fn);
  fn.addEnvironment('TABLE_NAME', table.tableName);
}

/** Read of one secret + the env var holding its ARN. */
export function grantSecret(fn: lambda.Function, secret: secretsmanager.ISecret, envName: string): void {
  secret.grantRead(fn);
  fn.addEnvironment(envName, secret.secretArn);
}

/** ses:SendEmail/SendRawEmail scoped to the identity and the configuration set, + MAIL_FROM, SES_CONFIGURATION_SET. */
export function grantMail(
  fn: lambda.Function,
  m: { identity: ses.EmailIdentity; configurationSet: ses.ConfigurationSet; configurationSetArn: string; mailFrom: string },
): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'SendThroughCountyIdentity',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [m.identity.emailIdentityArn, m.configurationSetArn],
    }),
  );
  fn.addEnvironment('MAIL_FROM', m.mailFrom);
  fn.addEnvironment('SES_CONFIGURATION_SET', m.configurationSet.configurationSetName);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `https://<host>/` -> `https://<host>` on a deploy-time token (Function URLs end with a slash). */
function trimSlash(url: string): string {
  return Fn.join('', ['https://', Fn.select(2, Fn.split('/', url))]);
}
