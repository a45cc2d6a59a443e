/** The `corro agent` TOML configuration: keys, loading, validation and environment overrides. */
export { ConfigError } from './config-error.js';
export { envName, FIELDS, type FieldSpec, type FieldType } from './fields.js';
export { type ConfigSource, type CorroConfig, loadConfig, parseConfig } from './load.js';
export { readSchemaFiles } from './schema-files.js';
