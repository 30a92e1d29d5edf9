def migrate(cr, version):
    """Accept-or-return To-Dos read as their type in each reader's language: drop the sentence
    earlier versions stored in the assignee's language."""
    cr.execute(
        """
        UPDATE mail_activity a SET summary = NULL
          FROM ir_model_data d
         WHERE d.module = 'crm_public_pool' AND d.name = 'mail_activity_type_pool_accept'
           AND a.activity_type_id = d.res_id
        """
    )
