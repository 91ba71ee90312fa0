import { Field, ObjectType } from '@nestjs/graphql';

/** Who the token says the caller is, and whether it is fresh. */
@ObjectType()
export class Me {
  @Field(() => String)
  identity!: string;

  @Field(() => Boolean)
  fresh!: boolean;
}

/** The outcome of `criticalAction`. */
@ObjectType()
export class CriticalActionResult {
  @Field(() => String)
  identity!: string;
}
