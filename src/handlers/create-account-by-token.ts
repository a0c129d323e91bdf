import { CreateAccountByToken } from '../contract/operations/create-account-by-token.js';
import { createAccountByToken } from '../domain/tokens/creating-account-tokens.js';
import { outcomeOutput, requestNames, type Handler } from './handler.js';

const names = requestNames(CreateAccountByToken);

export const handleCreateAccountByToken: Handler<typeof CreateAccountByToken> = async (args, ctx) =>
  outcomeOutput(
    CreateAccountByToken,
    await createAccountByToken(
      ctx.deps.accounts,
      ctx.caller,
      { token: args.Token, username: args.Username, password: args.Password, fullName: args.FullName, email: args.Email },
      { token: names.Token, username: names.Username, password: names.Password, fullName: names.FullName, email: names.Email },
      ctx.request,
    ),
  );
