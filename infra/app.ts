// The CDK app: one stack per county. `npx cdk deploy -c county=tongxu -c sesIdentity=… -c addonClientId=…`
// (defaults in cdk.json "context"). See infra/README.md.
import { App } from 'aws-cdk-lib';
import { addCountyStack } from './county.js';

const app = new App();
// SIBAO_ENTRY_ROOT: build the functions from another checkout of the repository (default: this one).
addCountyStack(app, { entryRoot: process.env.SIBAO_ENTRY_ROOT });
app.synth();
