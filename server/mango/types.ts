import { z } from "zod";

/**
 * Zod schemas of MANGO API answers. MANGO's own examples send the same field as a number in one place and a
 * quoted number in another ("order":"0" vs 0, "result":"1000" vs 1000) [mango-api.md §6.3], so numbers are
 * read leniently; ids that look numeric but are identifiers (extensions with leading zeros: "0511") stay
 * strings. Objects are loose: fields MANGO adds later pass through untouched.
 */

/** A number, or a string of digits (MANGO quotes numbers at random). Output: number. */
export const intLike = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);

/** An identifier that may arrive as a number or a string. Output: string. */
export const idLike = z.union([z.string(), z.number()]).transform(String);

/** MANGO answers success bodies with `result`, legacy errors with `code` [§2.15]; both are read. */
export const resultEnvelopeSchema = z.looseObject({
  result: intLike.optional(),
  code: intLike.optional(),
});

/** Synchronous answer to a command: an acknowledgement only; the outcome comes later as result/<cmd>. */
export const commandAckSchema = z.looseObject({ result: intLike });

// ---- config/users/request [§2.13] ----

export const userNumberSchema = z.looseObject({
  number: idLike,
  protocol: z.string().nullish(),
  order: intLike.nullish(),
  wait_sec: intLike.nullish(),
  status: z.string().nullish(),
  number_normalized: idLike.nullish(),
});

export const userSchema = z.looseObject({
  general: z.looseObject({
    name: z.string().nullish(),
    email: z.string().nullish(),
    department: z.string().nullish(),
    position: z.string().nullish(),
    user_id: intLike.nullish(),
    access_role_id: intLike.nullish(),
    mobile: idLike.nullish(),
    login: z.string().nullish(),
    use_status: intLike.nullish(),
    use_cc_numbers: intLike.nullish(),
    sips: z.array(z.looseObject({ number: z.string() })).nullish(),
  }),
  telephony: z.looseObject({
    extension: idLike.nullish(),
    outgoingline: idLike.nullish(),
    numbers: z.array(userNumberSchema).nullish(),
    dial_alg: intLike.nullish(),
    line_id: intLike.nullish(),
    trunk_number_id: intLike.nullish(),
  }),
  groups: z.array(intLike).nullish(),
});

/** No `result` key in the spec's samples; required `users` is what tells success apart. */
export const usersResponseSchema = z.looseObject({
  result: intLike.optional(),
  users: z.array(userSchema),
});

// ---- incominglines [§2.13] and groups [§2.14] ----

export const lineSchema = z.looseObject({
  line_id: intLike,
  number: idLike,
  name: z.string().nullish(),
  comment: z.string().nullish(),
  region: idLike.nullish(),
  schema_id: intLike.nullish(),
  schema_name: z.string().nullish(),
});

export const linesResponseSchema = z.looseObject({
  result: intLike.optional(),
  lines: z.array(lineSchema),
});

export const groupSchema = z.looseObject({
  id: intLike,
  name: z.string().nullish(),
  description: z.string().nullish(),
  extension: idLike.nullish(),
  dial_alg_group: intLike.nullish(),
  dial_alg_users: intLike.nullish(),
  line_id: intLike.nullish(),
  operators: z
    .array(
      z.looseObject({
        id: intLike,
        name: z.string().nullish(),
        extension: idLike.nullish(),
        priority: intLike.nullish(),
        order: intLike.nullish(),
      }),
    )
    .nullish(),
});

export const groupsResponseSchema = z.looseObject({
  result: intLike.optional(),
  groups: z.array(groupSchema),
});

// ---- Contact Center: campaigns and tasks [mango-cc-and-widget.md §1.3–1.7] ----

export const campaignSchema = z.looseObject({
  campaign_id: intLike,
  name: z.string().nullish(),
  line_id: intLike.nullish(),
  status: intLike,
  status_reason: intLike.nullish(),
  start: intLike.nullish(),
  end: intLike.nullish(),
  created: intLike.nullish(),
  completed: intLike.nullish(),
  endless: z.union([z.boolean(), intLike]).nullish(),
  service_type: intLike.nullish(),
  tasks_count: intLike.nullish(),
  finished_tasks_count: intLike.nullish(),
  members: z.array(idLike).nullish(),
});

export const campaignsResponseSchema = z.looseObject({
  result: intLike.optional(),
  campaigns: z.array(campaignSchema),
});

export const campaignStatusResponseSchema = z.looseObject({ result: intLike, status: intLike.nullish() });

export const taskAddResponseSchema = z.looseObject({ result: intLike, task_id: intLike });

export const subtaskSchema = z.looseObject({
  subtask_id: intLike.nullish(),
  number: idLike,
  order: intLike.nullish(),
  type: intLike.nullish(),
});

/** POST /vpbx/task: the task id is called `campaign_task_id` here [§1.6]. */
export const taskGetResponseSchema = z.looseObject({
  result: intLike.optional(),
  task: z.looseObject({
    campaign_task_id: intLike,
    campaign_id: intLike,
    name: z.string().nullish(),
    number: idLike,
    comment: z.string().nullish(),
    status: intLike,
    status_reason: intLike.nullish(),
    talk_duration: intLike.nullish(),
    transfer_number: idLike.nullish(),
    created: intLike.nullish(),
    updated: intLike.nullish(),
    subtasks: z.array(subtaskSchema).nullish(),
  }),
});

export const v2TaskSchema = z.looseObject({
  task_id: intLike,
  campaign_id: intLike,
  name: z.string().nullish(),
  number: idLike,
  task_status: intLike,
  task_status_reason: intLike.nullish(),
  task_comment: z.string().nullish(),
  duration: intLike.nullish(),
  operator_id: intLike.nullish(),
  attempts_count: intLike.nullish(),
  first_attempt: z.string().nullish(),
  last_attempt: z.string().nullish(),
  task_created: z.string().nullish(),
  task_updated: z.string().nullish(),
  subtasks: z.array(subtaskSchema).nullish(),
});

export const v2TasksResponseSchema = z.looseObject({
  result: intLike.optional(),
  cmd_id: z.string().nullish(),
  cursor: idLike.nullish(),
  tasks: z.array(v2TaskSchema),
});

/** /vpbx/cc/call/: topics (tag_id) and the operator's comments for one call entry [§1.7]. */
export const ccCallResponseSchema = z.looseObject({
  result: intLike.optional(),
  call: z.looseObject({
    conversion: z
      .array(
        z.looseObject({
          conversion_id: intLike.nullish(),
          result: intLike.nullish(),
          assign_user_id: intLike.nullish(),
          close_user_id: intLike.nullish(),
          group_id: intLike.nullish(),
          create: intLike.nullish(),
          end: intLike.nullish(),
        }),
      )
      .nullish(),
    tag_id: z.array(intLike).nullish(),
    // An array of strings in the example; a single string is read too rather than failing the whole call.
    call_comment: z.union([z.array(z.string()), z.string()]).nullish(),
    mark_client: intLike.nullish(),
    recording_id: z.array(idLike).nullish(),
  }),
});

export const ccTagsResponseSchema = z.looseObject({
  result: intLike.optional(),
  tags: z.array(
    z.looseObject({
      id: intLike,
      parent: intLike.nullish(),
      name: z.string(),
      category: intLike.nullish(),
      groups: z.array(intLike).nullish(),
      campaigns: z.array(intLike).nullish(),
      is_folder: z.union([z.boolean(), intLike]).nullish(),
    }),
  ),
});

/** /cc/task/add (auto-callback task) [§1.9]. */
export const autoCallbackTaskResponseSchema = z.looseObject({
  result: intLike,
  task_id: intLike,
  auto_call_task_id: intLike.nullish(),
});

export type UsersResponse = z.infer<typeof usersResponseSchema>;
export type MangoUserWire = z.infer<typeof userSchema>;
export type LineWire = z.infer<typeof lineSchema>;
export type GroupWire = z.infer<typeof groupSchema>;
export type CampaignWire = z.infer<typeof campaignSchema>;
export type V2TaskWire = z.infer<typeof v2TaskSchema>;
