export { startServer, type RunningServer } from './app.js';
export { defaults, type Config, type ServerOptions } from './config.js';
