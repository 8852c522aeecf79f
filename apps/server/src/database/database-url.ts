/** Injection token of the connection string, for the few components that hold a connection of their own. */
export const DATABASE_URL = Symbol('DATABASE_URL');
